//! Pictures of a plan: a text timeline for the terminal and an SVG Gantt
//! chart with the 50th-90th percentile completion band. Every text placed in
//! the SVG is escaped.

use std::fmt::Write;

use labpath_engine::plan::Kept;
use labpath_engine::plan::schedule::Schedule;
use labpath_engine::plan::simulate::Simulation;
use labpath_engine::units::Date;

const WIDTH: usize = 48;

/// One line per step: a bar of `#` over the median schedule, then the
/// percentile markers (5 = 50%, 8 = 80%, 9 = 90%).
pub fn text_timeline(from: Date, s: &Schedule<'_>, sim: &Simulation) -> String {
    let end = [Some(s.days), sim.p90]
        .into_iter()
        .flatten()
        .fold(1.0, f64::max);
    let col = |days: f64| {
        ((days / end) * (WIDTH as f64 - 1.0))
            .round()
            .clamp(0.0, WIDTH as f64 - 1.0) as usize
    };
    let mut text = String::new();
    for (i, st) in s.steps.iter().enumerate() {
        let mut row = [' '; WIDTH];
        for c in row
            .iter_mut()
            .take(col(st.finish).max(col(st.start)) + 1)
            .skip(col(st.start))
        {
            *c = '#';
        }
        let _ = writeln!(text, "  {:>2} |{}|", i + 1, row.iter().collect::<String>());
    }
    let mut marks = [' '; WIDTH];
    for (p, ch) in [(sim.p50, '5'), (sim.p80, '8'), (sim.p90, '9')] {
        if let Some(d) = p {
            marks[col(d)] = ch;
        }
    }
    let _ = writeln!(text, "     |{}|", marks.iter().collect::<String>());
    let _ = writeln!(
        text,
        "     {} {:>width$}",
        from,
        from.add_days(end.round() as i64).to_string(),
        width = WIDTH - 9
    );
    text
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

/// An SVG Gantt chart of a plan.
pub fn gantt(goal: &str, from: Date, kept: &Kept<'_>) -> String {
    let s = &kept.schedule;
    let sim = &kept.simulation;
    let end = [Some(s.days), sim.p90]
        .into_iter()
        .flatten()
        .fold(1.0, f64::max);
    let (label_w, chart_w, row_h, top) = (330.0, 560.0, 26.0, 60.0);
    let x = |days: f64| label_w + days / end * chart_w;
    let height = top + row_h * (s.steps.len() as f64 + 2.0) + 20.0;
    let width = label_w + chart_w + 30.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" aria-label="{}">"#,
        escape(&format!("Plan for {goal}"))
    );
    let _ = writeln!(
        svg,
        r#"<title>{}</title>"#,
        escape(&format!("Plan for {goal} from {from}"))
    );
    let _ = writeln!(
        svg,
        r#"<text x="10" y="22" font-size="15" font-weight="bold">{}</text>"#,
        escape(&format!("Plan: {goal}"))
    );
    let _ = writeln!(
        svg,
        r##"<text x="10" y="42" fill="#555">{}</text>"##,
        escape(&format!(
            "from {from}; bars are median durations; band is the 50th to 90th percentile of completion"
        ))
    );
    let bottom = top + row_h * s.steps.len() as f64;
    if let (Some(p50), Some(p90)) = (sim.p50, sim.p90) {
        let _ = writeln!(
            svg,
            r##"<rect x="{:.1}" y="{top}" width="{:.1}" height="{:.1}" fill="#f3d9a4" opacity="0.6"><title>50%-90% completion</title></rect>"##,
            x(p50),
            (x(p90) - x(p50)).max(1.0),
            bottom - top
        );
    }
    // Each percentile's label on its own line under the axis: the three
    // dates are often a few weeks apart, too close to share a line. Near
    // the right edge a label ends at its line instead of centring on it.
    let percentiles = [(sim.p50, "50%"), (sim.p80, "80%"), (sim.p90, "90%")];
    for (line, (p, label)) in percentiles.into_iter().enumerate() {
        if let Some(d) = p {
            let _ = writeln!(
                svg,
                r##"<line x1="{0:.1}" x2="{0:.1}" y1="{top}" y2="{bottom:.1}" stroke="#b5651d" stroke-dasharray="4 3"/>"##,
                x(d)
            );
            let anchor = if x(d) > label_w + chart_w - 60.0 {
                "end"
            } else {
                "middle"
            };
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" fill="#b5651d" text-anchor="{anchor}">{}</text>"##,
                x(d),
                bottom + 16.0 + 14.0 * line as f64,
                escape(&format!("{label} {}", from.add_days(d.round() as i64)))
            );
        }
    }
    let critical = s.critical_path();
    for (i, st) in s.steps.iter().enumerate() {
        let y = top + row_h * i as f64;
        let name = match &st.gap {
            Some(g) => format!("{}. {}: {}", i + 1, st.step.name, g.describe()),
            None => format!("{}. {}", i + 1, st.step.name),
        };
        let short: String = name.chars().take(52).collect();
        let fill = if critical.contains(&i) {
            "#2b6cb0"
        } else {
            "#90cdf4"
        };
        let _ = writeln!(
            svg,
            r#"<text x="10" y="{:.1}">{}</text>"#,
            y + 17.0,
            escape(&short)
        );
        let _ = writeln!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="16" rx="3" fill="{fill}"><title>{}</title></rect>"#,
            x(st.start),
            y + 5.0,
            (x(st.finish) - x(st.start)).max(2.0),
            escape(&format!(
                "{name}: {} to {} ({:.0} days, {})",
                from.add_days(st.start.round() as i64),
                from.add_days(st.finish.round() as i64),
                st.days,
                st.basis.label()
            ))
        );
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{label_w}" x2="{:.1}" y1="{bottom:.1}" y2="{bottom:.1}" stroke="#333"/>"##,
        label_w + chart_w
    );
    // The start day, left of the axis's origin, clear of the labels.
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{from}</text>"#,
        label_w - 6.0,
        bottom + 16.0
    );
    svg.push_str("</svg>\n");
    svg
}
