//! The closed vocabularies that rules and profiles share: degree levels,
//! fields of study, subjects and topics, program kinds, laboratory
//! disciplines and accreditations. A word outside these lists is an input
//! error with the list of accepted words, never a silent "other".

use serde::{Deserialize, Serialize};

/// `BloodBanking` as `blood_banking`: serde's `rename_all = "snake_case"`.
fn snake_case(ident: &str) -> String {
    let mut out = String::with_capacity(ident.len() + 4);
    for (i, c) in ident.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// Plain-language name of the value.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The word profiles and the catalog spell it with
            /// (`blood_banking`), as serde reads it.
            pub fn word(self) -> String {
                match self {
                    $($name::$variant => snake_case(stringify!($variant)),)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

vocabulary! {
    /// Level of an academic award, ordered from lowest to highest.
    DegreeLevel {
        /// Secondary school completion.
        HighSchool => "high-school diploma",
        /// A post-secondary diploma of at least two years (non-degree).
        Diploma => "two-year post-secondary diploma",
        /// Associate degree.
        Associate => "associate degree",
        /// Bachelor's (baccalaureate) degree.
        Bachelor => "bachelor's degree",
        /// Master's degree.
        Master => "master's degree",
        /// Doctoral degree.
        Doctorate => "doctoral degree",
    }
}

vocabulary! {
    /// Broad field of a degree, as the rules group them.
    FieldArea {
        /// Medical laboratory science, medical technology, clinical laboratory
        /// science, biomedical laboratory science (MLS = MT = CLS).
        MedicalLaboratoryScience => "medical laboratory science / medical technology",
        /// Medical (clinical) laboratory technician programs.
        MedicalLaboratoryTechnology => "medical laboratory technology",
        /// Biology and other biological sciences.
        Biology => "biological science",
        /// Chemistry and other chemical sciences.
        Chemistry => "chemical science",
        /// Physics and other physical sciences.
        PhysicalScience => "physical science",
        /// Nursing.
        Nursing => "nursing",
        /// Mathematics or statistics.
        Mathematics => "mathematics",
        /// Any other science (e.g. environmental science).
        OtherScience => "other science",
        /// A field outside the sciences.
        NonScience => "non-science field",
    }
}

vocabulary! {
    /// The subject area a course is counted in.
    Subject {
        /// Biology courses.
        Biology => "biology",
        /// Chemistry courses.
        Chemistry => "chemistry",
        /// Physics courses.
        Physics => "physics",
        /// Mathematics courses.
        Mathematics => "mathematics",
        /// Statistics courses.
        Statistics => "statistics",
        /// Medical laboratory science / technology courses.
        MedicalLaboratoryScience => "medical laboratory science",
        /// Other science courses.
        OtherScience => "other science",
        /// Non-science courses.
        General => "general education",
    }
}

vocabulary! {
    /// A named course content that some rules require by name.
    Topic {
        /// Microbiology (general).
        Microbiology => "microbiology",
        /// Medical (clinical) microbiology.
        MedicalMicrobiology => "medical microbiology",
        /// Hematology.
        Hematology => "hematology",
        /// Immunology.
        Immunology => "immunology",
        /// Organic chemistry.
        OrganicChemistry => "organic chemistry",
        /// Biochemistry.
        Biochemistry => "biochemistry",
        /// Clinical chemistry.
        ClinicalChemistry => "clinical chemistry",
        /// Analytical chemistry.
        AnalyticalChemistry => "analytical chemistry",
        /// Quantitative analysis.
        QuantitativeChemistry => "quantitative chemistry",
        /// Physics of light and electricity (California's pre-2025 rule).
        LightAndElectricity => "light and electricity",
        /// Genetics / molecular biology.
        Genetics => "genetics",
    }
}

vocabulary! {
    /// A completed training program, as rules name them.
    ProgramKind {
        /// NAACLS-accredited medical laboratory scientist program.
        NaaclsMls => "NAACLS-accredited MLS program",
        /// NAACLS-accredited medical laboratory technician program.
        NaaclsMlt => "NAACLS-accredited MLT program",
        /// ABHES-accredited MLT program.
        AbhesMlt => "ABHES-accredited MLT program",
        /// CAAHEP-accredited laboratory program.
        CaahepLab => "CAAHEP-accredited laboratory program",
        /// 50-week US military medical laboratory course.
        Military50Week => "50-week US military medical laboratory course",
        /// Military laboratory training of 12 months or more (Montana).
        Military12Month => "military laboratory program of 12 months or more",
        /// Medical laboratory science clinical training outside the US
        /// (for example the internship of a Philippine BS Medical Technology).
        ForeignMlsTraining => "foreign medical laboratory science clinical training",
        /// A two-year medical laboratory program outside the US.
        ForeignMltDiploma => "foreign two-year medical laboratory program",
        /// California LFS-approved CLS trainee program (one year).
        CaApprovedClsTraining => "California-approved CLS training program",
        /// California-approved MLT training.
        CaApprovedMltTraining => "California-approved MLT training",
        /// A state-registered or accredited technologist program (New York
        /// "registered" programs and equivalents).
        StateRegisteredClt => "state-registered clinical laboratory technologist program",
        /// Structured categorical program (blood bank, chemistry, hematology, microbiology).
        CategoricalStructured => "structured categorical technologist program",
    }
}

vocabulary! {
    /// A clinical laboratory discipline in which experience is gained.
    Discipline {
        /// Blood banking / immunohematology.
        BloodBanking => "blood banking",
        /// Clinical chemistry.
        Chemistry => "chemistry",
        /// Hematology.
        Hematology => "hematology",
        /// Microbiology.
        Microbiology => "microbiology",
        /// Immunology / serology.
        Immunology => "immunology",
        /// Urinalysis and body fluids.
        Urinalysis => "urinalysis and body fluids",
        /// Molecular diagnostics.
        Molecular => "molecular diagnostics",
        /// Cytology.
        Cytology => "cytology",
        /// Histology.
        Histology => "histology",
    }
}

vocabulary! {
    /// What kind of laboratory the work was done in.
    Setting {
        /// A hospital laboratory.
        Hospital => "hospital laboratory",
        /// An independent clinical (reference) laboratory.
        ClinicalLab => "clinical laboratory",
        /// A physician office or clinic laboratory.
        Clinic => "clinic laboratory",
        /// A research laboratory (does not count as clinical experience).
        Research => "research laboratory",
        /// Academic or teaching laboratory (does not count).
        Academic => "academic laboratory",
        /// Industry: biotech, pharmaceutical (does not count).
        Industry => "biotech or pharmaceutical laboratory",
        /// Forensic laboratory (does not count).
        Forensic => "forensic laboratory",
        /// Veterinary laboratory (does not count).
        Veterinary => "veterinary laboratory",
    }
}

impl Setting {
    /// Whether work in this setting is clinical laboratory experience
    /// (patient specimens, diagnostic testing).
    pub fn is_clinical(self) -> bool {
        matches!(
            self,
            Setting::Hospital | Setting::ClinicalLab | Setting::Clinic
        )
    }
}

vocabulary! {
    /// An accreditation or authorization a laboratory holds.
    LabAccreditation {
        /// CLIA-certified (United States).
        Clia => "CLIA-certified",
        /// College of American Pathologists.
        Cap => "CAP-accredited",
        /// Joint Commission International.
        Jci => "JCI-accredited",
        /// The Joint Commission (US).
        JointCommission => "Joint Commission-accredited",
        /// ISO 15189.
        Iso15189 => "ISO 15189-accredited",
        /// Licensed or authorized by a national regulator or ministry of health.
        Ministry => "licensed by a ministry of health or regulator",
        /// Licensed by a US state (e.g. a California-licensed laboratory).
        StateLicensed => "state-licensed",
        /// No accreditation.
        None => "not accredited",
    }
}

vocabulary! {
    /// Accreditation of a school or program awarding a degree.
    SchoolAccreditation {
        /// US regional accreditation.
        Regional => "regionally accredited",
        /// US national accreditation.
        National => "nationally accredited",
        /// Approved by a national ministry or regulator (outside the US).
        Ministry => "approved by a ministry or regulator",
        /// Not accredited.
        None => "not accredited",
    }
}

vocabulary! {
    /// An English-language test.
    EnglishTestKind {
        /// IELTS Academic.
        IeltsAcademic => "IELTS Academic",
        /// IELTS General Training.
        IeltsGeneral => "IELTS General Training",
        /// TOEFL internet-based test.
        ToeflIbt => "TOEFL iBT",
        /// TOEIC.
        Toeic => "TOEIC",
        /// Occupational English Test.
        Oet => "OET",
        /// PTE Academic.
        PteAcademic => "PTE Academic",
        /// Michigan English Test.
        Met => "Michigan English Test",
        /// Cambridge English (B2 First, C1 Advanced, C2 Proficiency).
        Cambridge => "Cambridge English",
    }
}

vocabulary! {
    /// The professional level a credential is for.
    Level {
        /// Technologist / scientist (MLS, MT, CLS).
        Technologist => "technologist / scientist",
        /// Technician (MLT, CLT).
        Technician => "technician",
        /// Categorical technologist in one discipline.
        Categorical => "categorical technologist",
        /// Trainee or permit holder.
        Trainee => "trainee",
        /// Not a laboratory level (visa prerequisite, status).
        NotApplicable => "not a laboratory level",
    }
}

vocabulary! {
    /// What sort of thing a credential is.
    CredentialKind {
        /// A certification by a certifying body (ASCP, AMT).
        Certification => "certification",
        /// A state license.
        StateLicense => "state license",
        /// A state permit or trainee license (temporary, limited).
        StatePermit => "state permit",
        /// A federal CLIA role qualification.
        CliaRole => "CLIA personnel qualification",
        /// A prerequisite for a visa (VisaScreen certificate, TN, H-1B).
        Immigration => "immigration prerequisite",
        /// An exam that is not itself a certification (California's law quiz).
        Exam => "examination",
        /// A license or registration issued by another country's regulator
        /// (the Philippine PRC, Nigeria's MLSCN), which US bodies ask to
        /// verify.
        NationalLicense => "national license outside the US",
    }
}

vocabulary! {
    /// The US level credential evaluators usually find a foreign degree
    /// equivalent to, or that they differ and each evaluation decides.
    UsEquivalent {
        /// A two-year post-secondary diploma.
        Diploma => "a two-year post-secondary diploma",
        /// An associate degree.
        Associate => "an associate degree",
        /// Three years of undergraduate study, not a degree.
        ThreeYearsUndergraduate => "three years of undergraduate study (not a bachelor's)",
        /// A bachelor's degree.
        Bachelor => "a bachelor's degree",
        /// A master's degree.
        Master => "a master's degree",
        /// A doctorate.
        Doctorate => "a doctoral degree",
        /// Evaluators differ, or the sources say it depends on the school
        /// or the transcript: each evaluation decides.
        EvaluationDecides => "decided by each evaluation",
    }
}

impl UsEquivalent {
    /// Whether a degree usually found equivalent to this meets a rule's
    /// minimum US level: `None` when the sources leave it to each
    /// evaluation (three years of undergraduate study are below a
    /// bachelor's and above a diploma, but whether they count as an
    /// associate degree is an evaluator's call).
    pub fn meets(self, min: DegreeLevel) -> Option<bool> {
        let level = match self {
            UsEquivalent::Diploma => DegreeLevel::Diploma,
            UsEquivalent::Associate => DegreeLevel::Associate,
            UsEquivalent::Bachelor => DegreeLevel::Bachelor,
            UsEquivalent::Master => DegreeLevel::Master,
            UsEquivalent::Doctorate => DegreeLevel::Doctorate,
            UsEquivalent::ThreeYearsUndergraduate => {
                return match min {
                    DegreeLevel::HighSchool | DegreeLevel::Diploma => Some(true),
                    DegreeLevel::Associate => None,
                    _ => Some(false),
                };
            }
            UsEquivalent::EvaluationDecides => return None,
        };
        Some(level >= min)
    }
}
