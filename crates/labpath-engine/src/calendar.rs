//! The calendar a step keeps: yearly windows in which it can start (the
//! H-1B cap registration in March, petitions from April 1, employment from
//! October 1), and lotteries that may send a step to next year's window.
//!
//! The scheduler (median plan) and the simulation (each run) place a step
//! with the same two functions, [`Window::start`] and [`Lottery::chance`],
//! so the two never disagree on when a window is open.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::provenance::Provenance;
use crate::step::StepId;
use crate::units::Date;

/// A day of the year, written `MM-DD` (29 February is refused: no yearly
/// window is set on it, and it would not exist three years in four).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    /// From a month (1-12) and a day that exists in every year.
    pub fn new(month: u32, day: u32) -> Option<Self> {
        (month != 2 || day != 29)
            .then(|| Date::from_ymd(2001, month, day))
            .flatten()
            .map(|_| MonthDay { month, day })
    }

    /// This day in `year`.
    pub fn in_year(self, year: i32) -> Date {
        Date::from_ymd(year, self.month, self.day)
            .or_else(|| Date::from_ymd(year, 12, 31))
            .unwrap_or_else(|| Date::from_ymd(9999, 12, 31).unwrap_or_else(Date::today))
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl Serialize for MonthDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MonthDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let bad = || {
            de::Error::custom(format!(
                "`{text}` is not a day of the year: expected MM-DD, for example 03-04 \
                 (29 February cannot start or end a yearly window)"
            ))
        };
        let (m, d) = text.split_once('-').ok_or_else(bad)?;
        if m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let month = m.parse().map_err(|_| bad())?;
        let day = d.parse().map_err(|_| bad())?;
        MonthDay::new(month, day).ok_or_else(bad)
    }
}

/// A yearly window in which a step can start: from `opens` to `closes`
/// (both included; a window whose `closes` comes before `opens` runs into
/// the next year, as a fiscal year does).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// First day of the window.
    pub opens: MonthDay,
    /// Last day of the window.
    pub closes: MonthDay,
    /// The step whose year this window belongs to: the petition filing
    /// window and the employment start follow the registration of the same
    /// year, not any later one. Without it, the next window open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_of: Option<StepId>,
    /// Plain words ("H-1B cap registration period").
    pub what: String,
    /// Where the dates come from.
    pub provenance: Provenance,
}

impl Window {
    /// The window of `year`: (first day, last day).
    pub fn of_year(&self, year: i32) -> (Date, Date) {
        let opens = self.opens.in_year(year);
        let closes = if self.closes >= self.opens {
            self.closes.in_year(year)
        } else {
            self.closes.in_year(year + 1)
        };
        (opens, closes)
    }

    /// The first day on or after `ready` inside the window: inside the
    /// window of `cycle` when the step is tied to a cycle year (`None` when
    /// that window has closed by `ready`), else inside the next window.
    pub fn start(&self, ready: Date, cycle: Option<i32>) -> Option<Date> {
        if let Some(year) = cycle {
            let (opens, closes) = self.of_year(year);
            return (ready <= closes).then(|| ready.max(opens));
        }
        (ready.year() - 1..=ready.year() + 1).find_map(|year| {
            let (opens, closes) = self.of_year(year);
            (ready <= closes).then(|| ready.max(opens))
        })
    }

    /// The year a start day belongs to: the year its window opened.
    pub fn year_of(&self, start: Date) -> i32 {
        if start < self.opens.in_year(start.year()) {
            start.year() - 1
        } else {
            start.year()
        }
    }
}

/// A DOL wage level of a US job offer (I to IV), which weighs an H-1B cap
/// registration since 2026-02-27.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WageLevel(u8);

impl WageLevel {
    /// Level 1 to 4.
    pub fn new(level: u8) -> Option<Self> {
        (1..=4).contains(&level).then_some(WageLevel(level))
    }

    /// 1 to 4.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for WageLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(["I", "II", "III", "IV"][usize::from(self.0 - 1)])
    }
}

impl Serialize for WageLevel {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for WageLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        u8::try_from(n)
            .ok()
            .and_then(WageLevel::new)
            .ok_or_else(|| de::Error::custom(format!("wage level {n}: expected 1, 2, 3 or 4")))
    }
}

/// Most yearly tries a plan counts on: a run not selected by then is "not
/// selected" (shown as such, never as a date).
pub const MAX_TRIES: u32 = 6;

/// A yearly draw the step's outcome depends on (the H-1B cap selection): a
/// step not selected waits for next year's window and tries again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Lottery {
    /// The chance of selection when the wage level is not known.
    pub chance: f64,
    /// The chance by wage level I to IV, where the rule weighs by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_wage_level: Option<[f64; 4]>,
    /// Plain words: what is drawn and how the chance was reached.
    pub what: String,
    /// Where the figures come from.
    pub provenance: Provenance,
}

impl Lottery {
    /// The chance of selection in one try for an offer at `level`.
    pub fn chance(&self, level: Option<WageLevel>) -> f64 {
        match (level, self.by_wage_level) {
            (Some(l), Some(by)) => by[usize::from(l.get() - 1)],
            _ => self.chance,
        }
    }

    /// The tries by which selection is more likely than not (the median
    /// plan's count): the least `k` with 1 - (1 - p)^k >= 1/2.
    pub fn median_tries(chance: f64) -> u32 {
        if chance >= 0.5 {
            return 1;
        }
        if chance <= 0.0 {
            return u32::MAX;
        }
        let k = (0.5f64.ln() / (1.0 - chance).ln()).ceil();
        if k >= f64::from(u32::MAX) {
            u32::MAX
        } else {
            (k as u32).max(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(opens: (u32, u32), closes: (u32, u32)) -> Window {
        Window {
            opens: MonthDay::new(opens.0, opens.1).unwrap(),
            closes: MonthDay::new(closes.0, closes.1).unwrap(),
            cycle_of: None,
            what: "w".into(),
            provenance: Provenance {
                sources: vec![],
                as_of: Date::from_ymd(2026, 1, 1).unwrap(),
                confidence: crate::provenance::Confidence::Official,
                note: None,
            },
        }
    }

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd(y, m, day).unwrap()
    }

    #[test]
    fn a_step_ready_before_the_window_waits_for_it_and_one_ready_after_waits_a_year() {
        let march = window((3, 4), (3, 19));
        assert_eq!(march.start(d(2026, 12, 2), None), Some(d(2027, 3, 4)));
        assert_eq!(march.start(d(2027, 3, 10), None), Some(d(2027, 3, 10)));
        assert_eq!(march.start(d(2027, 3, 20), None), Some(d(2028, 3, 4)));
    }

    #[test]
    fn a_window_over_new_year_belongs_to_the_year_it_opened() {
        let fiscal = window((10, 1), (9, 30));
        assert_eq!(fiscal.of_year(2027), (d(2027, 10, 1), d(2028, 9, 30)));
        assert_eq!(
            fiscal.start(d(2027, 8, 1), Some(2027)),
            Some(d(2027, 10, 1))
        );
        assert_eq!(fiscal.start(d(2028, 2, 1), Some(2027)), Some(d(2028, 2, 1)));
        assert_eq!(fiscal.start(d(2028, 10, 2), Some(2027)), None);
        assert_eq!(fiscal.year_of(d(2028, 2, 1)), 2027);
    }

    #[test]
    fn median_tries_is_the_first_count_with_even_odds() {
        assert_eq!(Lottery::median_tries(0.6116), 1);
        assert_eq!(Lottery::median_tries(0.3058), 2);
        assert_eq!(Lottery::median_tries(0.2959), 2);
        assert_eq!(Lottery::median_tries(0.1529), 5);
    }

    #[test]
    fn month_days_refuse_what_no_year_has() {
        assert!(MonthDay::new(2, 29).is_none());
        assert!(MonthDay::new(4, 31).is_none());
        assert!(MonthDay::new(13, 1).is_none());
        assert_eq!(MonthDay::new(3, 4).unwrap().to_string(), "03-04");
    }
}
