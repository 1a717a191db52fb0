//! The book's lab pages: `{{#netrepl-lab-figure}}` becomes an SVG of the
//! default lab, drawn from the same [`Description`] `lab up` builds, and
//! `{{#netrepl-lab-file}}` becomes its TOML file, verbatim.
//!
//! The drawing: each subnet is a horizontal line (a bus) with its prefixes,
//! its hosts are boxes above it joined by a short cable, and each router is a
//! box at the right with a cable to every subnet it joins.

use std::fmt::Write as _;

use crate::course::html::escape;
use crate::net::lab::description::{DEFAULT_TOML, Description, Host, Role};

pub const FIGURE_MARK: &str = "{{#netrepl-lab-figure}}";
pub const FILE_MARK: &str = "{{#netrepl-lab-file}}";

const BOX_WIDTH: u32 = 126;
const GAP: u32 = 16;
const MARGIN: u32 = 20;
const LINE: u32 = 15;
const BUS_BELOW_HOSTS: u32 = 36;
const ROW_GAP: u32 = 60;

/// A chapter's text with both marks replaced.
pub fn fill(content: &str) -> String {
    if !content.contains(FIGURE_MARK) && !content.contains(FILE_MARK) {
        return content.to_string();
    }
    let file = format!("```toml\n{}\n```", DEFAULT_TOML.trim_end());
    content
        .replace(FIGURE_MARK, &svg(&Description::default_lab()))
        .replace(FILE_MARK, &file)
}

/// The lines a host's box shows: name, addresses, then what it is.
fn box_lines(lab: &Description, host: &Host) -> Vec<String> {
    let mut lines = vec![host.full_name()];
    lines.extend(host.addresses().iter().map(ToString::to_string));
    let mut notes = Vec::new();
    match host.role {
        Role::Scanner => notes.push("scanner (netrepl)".to_string()),
        Role::Router => notes.push("router".to_string()),
        Role::Host => {}
    }
    if lab.nameserver_host().name == host.name {
        notes.push("DNS server".into());
    }
    if host.down {
        notes.push("down".into());
    }
    if host.ignores_ping {
        notes.push("ignores ping".into());
    }
    if !host.services.is_empty() {
        let names: Vec<&str> = host.services.iter().map(|s| s.name()).collect();
        notes.push(names.join(", "));
    }
    if !notes.is_empty() {
        lines.push(notes.join(", "));
    }
    lines
}

fn box_height(lines: usize) -> u32 {
    12 + LINE * u32::try_from(lines).unwrap_or(8)
}

/// The figure as one `<svg>` element, sized to its content.
pub fn svg(lab: &Description) -> String {
    let hosts_of = |subnet: usize| -> Vec<&Host> {
        lab.hosts
            .iter()
            .filter(|h| h.role != Role::Router && h.attachments.iter().any(|a| a.subnet == subnet))
            .collect()
    };
    let routers: Vec<&Host> = lab
        .hosts
        .iter()
        .filter(|h| h.role == Role::Router)
        .collect();
    let columns = (0..lab.subnets.len())
        .map(|s| hosts_of(s).len())
        .max()
        .unwrap_or(0);
    let columns = u32::try_from(columns).unwrap_or(0);
    let router_x = MARGIN + columns * (BOX_WIDTH + GAP) + GAP * 2;
    let width = router_x + u32::try_from(routers.len()).unwrap_or(0) * (BOX_WIDTH + GAP) + MARGIN;
    let mut body = String::new();
    let mut buses = Vec::new();
    let mut y = MARGIN;
    for (index, subnet) in lab.subnets.iter().enumerate() {
        let hosts = hosts_of(index);
        let tallest = hosts
            .iter()
            .map(|h| box_height(box_lines(lab, h).len()))
            .max()
            .unwrap_or(0);
        let bus_y = y + tallest + BUS_BELOW_HOSTS;
        for (column, host) in hosts.iter().enumerate() {
            let x = MARGIN + u32::try_from(column).unwrap_or(0) * (BOX_WIDTH + GAP);
            let lines = box_lines(lab, host);
            let top = bus_y - BUS_BELOW_HOSTS - box_height(lines.len());
            draw_box(&mut body, x, top, &lines, host.down);
            let middle = x + BOX_WIDTH / 2;
            let _ = writeln!(
                body,
                r#"<line x1="{middle}" y1="{}" x2="{middle}" y2="{bus_y}" stroke="currentColor" stroke-width="1.5"/>"#,
                bus_y - BUS_BELOW_HOSTS
            );
        }
        let prefixes: Vec<String> = subnet
            .ipv4
            .iter()
            .chain(subnet.ipv6.iter())
            .map(ToString::to_string)
            .collect();
        let _ = writeln!(
            body,
            r#"<line x1="{MARGIN}" y1="{bus_y}" x2="{}" y2="{bus_y}" stroke="currentColor" stroke-width="4"/>"#,
            width - MARGIN
        );
        let _ = writeln!(
            body,
            r#"<text x="{MARGIN}" y="{}" font-size="13" font-weight="bold" fill="currentColor">subnet {}  {}</text>"#,
            bus_y + 18,
            escape(&subnet.name),
            escape(&prefixes.join("  "))
        );
        buses.push(bus_y);
        y = bus_y + ROW_GAP;
    }
    // Routers hang between the first two buses they join, a cable to each.
    for (index, router) in routers.iter().enumerate() {
        let x = router_x + u32::try_from(index).unwrap_or(0) * (BOX_WIDTH + GAP);
        let lines = box_lines(lab, router);
        let joined: Vec<u32> = router.attachments.iter().map(|a| buses[a.subnet]).collect();
        let first = joined.iter().copied().min().unwrap_or(MARGIN);
        let top = first + 30;
        draw_box(&mut body, x, top, &lines, false);
        let middle = x + BOX_WIDTH / 2;
        let bottom = top + box_height(lines.len());
        for bus in joined {
            let (from, to) = if bus <= top {
                (bus, top)
            } else {
                (bottom, bus)
            };
            let _ = writeln!(
                body,
                r#"<line x1="{middle}" y1="{from}" x2="{middle}" y2="{to}" stroke="currentColor" stroke-width="1.5"/>"#
            );
        }
        y = y.max(bottom + MARGIN);
    }
    let height = y.max(buses.last().copied().unwrap_or(0) + 40);
    format!(
        "<div class=\"netrepl-lab-figure\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" style=\"width: 100%; max-width: {width}px; height: auto\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\">\n<title>{}</title>\n{body}</svg>\n</div>",
        escape(&lab.name),
        escape(&lab.name)
    )
}

fn draw_box(out: &mut String, x: u32, top: u32, lines: &[String], down: bool) {
    let dash = if down {
        r#" stroke-dasharray="5 4""#
    } else {
        ""
    };
    let opacity = if down { "0.55" } else { "1" };
    let _ = writeln!(
        out,
        r#"<g opacity="{opacity}"><rect x="{x}" y="{top}" width="{BOX_WIDTH}" height="{}" rx="6" fill="currentColor" fill-opacity="0.06" stroke="currentColor" stroke-width="1.5"{dash}/>"#,
        box_height(lines.len())
    );
    for (index, line) in lines.iter().enumerate() {
        let weight = if index == 0 {
            r#" font-weight="bold""#
        } else {
            ""
        };
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" font-size="12"{weight} fill="currentColor">{}</text>"#,
            x + 8,
            top + 18 + LINE * u32::try_from(index).unwrap_or(0),
            escape(line)
        );
    }
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figure_shows_every_host_subnet_and_the_router() {
        let lab = Description::default_lab();
        let figure = svg(&lab);
        assert!(figure.starts_with("<div class=\"netrepl-lab-figure\">\n<svg "));
        for host in &lab.hosts {
            assert!(
                figure.contains(&format!(">{}</text>", host.full_name())),
                "{}",
                host.name
            );
        }
        assert!(figure.contains("subnet near  10.77.0.0/24  fd77::/64"));
        assert!(figure.contains("subnet far  10.77.1.0/24  fd77:0:0:1::/64"));
        assert!(figure.contains(">10.77.1.254</text>"));
        assert!(figure.contains(">ignores ping, http</text>"));
        assert!(
            figure.contains("stroke-dasharray"),
            "charlie is drawn as down"
        );
        assert_eq!(figure.matches("<svg").count(), 1);
    }

    #[test]
    fn marks_are_replaced_and_other_text_kept() {
        let text = fill("before\n{{#netrepl-lab-file}}\nafter");
        assert!(text.starts_with("before\n```toml\n# The default netrepl lab"));
        assert!(text.ends_with("```\nafter"));
        assert_eq!(fill("plain"), "plain");
    }
}
