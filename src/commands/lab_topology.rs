//! `lab status` for people: the lab drawn with box-drawing characters. Each
//! subnet is a line with its prefixes; each host hangs off it with its
//! addresses and state; a router appears on every subnet it joins, with the
//! subnets it leads to.

use std::fmt::Write as _;

use crate::net::lab::{LabStatus, MachineStatus, Role};

/// The whole drawing, a title line first.
pub fn draw(status: &LabStatus) -> String {
    let lab = &status.description;
    let mut text = String::new();
    let nameserver = lab.nameserver_host();
    let ns_address = nameserver
        .first_ipv4()
        .map(|a| format!(" {a}"))
        .unwrap_or_default();
    let _ = writeln!(
        text,
        "{} '{}'  dns {} ({}{ns_address})",
        lab.name,
        status.prefix,
        status.dns.name(),
        nameserver.full_name(),
    );
    let rows: Vec<Vec<Row>> = (0..lab.subnets.len())
        .map(|subnet| rows_of(status, subnet))
        .collect();
    let widths = column_widths(rows.iter().flatten());
    for (index, subnet) in lab.subnets.iter().enumerate() {
        let prefixes: Vec<String> = subnet
            .ipv4
            .iter()
            .chain(subnet.ipv6.iter())
            .map(ToString::to_string)
            .collect();
        let heading = format!("{}  {}", subnet.name, prefixes.join("  "));
        let _ = writeln!(text, "\n{heading}");
        let line_length = heading
            .chars()
            .count()
            .max(widths.iter().sum::<usize>() + 12);
        let _ = writeln!(text, "━━┯{}", "━".repeat(line_length.saturating_sub(3)));
        let subnet_rows = &rows[index];
        if subnet_rows.is_empty() {
            let _ = writeln!(text, "  └─ (no hosts)");
        }
        for (at, row) in subnet_rows.iter().enumerate() {
            let branch = if at + 1 == subnet_rows.len() {
                "└─"
            } else {
                "├─"
            };
            let cells = [&row.name, &row.ipv4, &row.ipv6, &row.state];
            let mut line = format!("  {branch} ");
            for (cell, width) in cells.iter().zip(&widths) {
                let _ = write!(line, "{cell:<width$}  ");
            }
            line.push_str(&row.notes);
            let _ = writeln!(text, "{}", line.trim_end());
        }
    }
    text.trim_end().to_string()
}

struct Row {
    name: String,
    ipv4: String,
    ipv6: String,
    state: String,
    notes: String,
}

/// The hosts on one subnet, routers last (they lead on to the next subnet).
fn rows_of(status: &LabStatus, subnet: usize) -> Vec<Row> {
    let mut machines: Vec<&MachineStatus> = status
        .machines
        .iter()
        .filter(|m| m.host.attachments.iter().any(|a| a.subnet == subnet))
        .collect();
    machines.sort_by_key(|m| m.host.role == Role::Router);
    machines
        .into_iter()
        .map(|machine| {
            let attachment = machine
                .host
                .attachments
                .iter()
                .find(|a| a.subnet == subnet)
                .expect("filtered on this subnet");
            Row {
                name: machine.name(),
                ipv4: attachment.ipv4.map(|a| a.to_string()).unwrap_or_default(),
                ipv6: attachment.ipv6.map(|a| a.to_string()).unwrap_or_default(),
                state: machine.state().to_string(),
                notes: notes(status, machine, subnet),
            }
        })
        .collect()
}

fn notes(status: &LabStatus, machine: &MachineStatus, subnet: usize) -> String {
    let lab = &status.description;
    let host = &machine.host;
    let mut notes = Vec::new();
    match host.role {
        Role::Scanner => notes.push("scanner: netrepl runs here".to_string()),
        Role::Router => {
            let others: Vec<&str> = host
                .attachments
                .iter()
                .filter(|a| a.subnet != subnet)
                .map(|a| lab.subnets[a.subnet].name.as_str())
                .collect();
            notes.push(format!("router to {}", others.join(", ")));
        }
        Role::Host => {}
    }
    if lab.nameserver_host().name == host.name {
        notes.push(format!("DNS server {}", status.dns.name()));
    }
    if host.down {
        notes.push("switched off".into());
    }
    if machine.ignores_ping {
        notes.push("ignores ping".into());
    }
    for service in &host.services {
        let state = if machine.running.contains(service) {
            ""
        } else {
            " (stopped)"
        };
        notes.push(format!("{} on {}{state}", service.name(), service.port()));
    }
    notes.join("; ")
}

fn column_widths<'a>(rows: impl Iterator<Item = &'a Row>) -> [usize; 4] {
    let mut widths = [0; 4];
    for row in rows {
        for (width, cell) in widths
            .iter_mut()
            .zip([&row.name, &row.ipv4, &row.ipv6, &row.state])
        {
            *width = (*width).max(cell.chars().count());
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::lab::{Description, DnsState};

    #[test]
    fn the_default_lab_is_drawn_with_both_subnets_and_the_router_on_each() {
        let description = Description::default_lab();
        let machines = description
            .hosts
            .iter()
            .map(|host| MachineStatus {
                host: host.clone(),
                namespace: format!("nrt-{}", host.name),
                up: !host.down,
                ignores_ping: host.ignores_ping,
                running: host.services.clone(),
            })
            .collect();
        let status = LabStatus {
            prefix: "nrt".into(),
            description,
            machines,
            dns: DnsState::Servfail,
        };
        let text = draw(&status);
        let title = text.lines().next().unwrap();
        assert!(title.contains("dns servfail (ns.lab 10.77.0.2)"), "{title}");
        let ns = text.lines().skip(1).find(|l| l.contains("ns.lab")).unwrap();
        assert!(ns.contains("DNS server servfail"), "{ns}");
        assert!(
            text.contains("near  10.77.0.0/24  fd77::/64\n━━┯"),
            "{text}"
        );
        assert!(
            text.contains("far  10.77.1.0/24  fd77:0:0:1::/64"),
            "{text}"
        );
        assert_eq!(text.matches("router.lab").count(), 2, "{text}");
        assert!(text.contains("router to far"), "{text}");
        let charlie = text.lines().find(|l| l.contains("charlie.lab")).unwrap();
        assert!(
            charlie.contains("down") && charlie.contains("switched off"),
            "{charlie}"
        );
        let quiet = text.lines().find(|l| l.contains("quiet.lab")).unwrap();
        assert!(quiet.contains("ignores ping; http on 80"), "{quiet}");
        assert!(
            text.lines().any(|l| l.starts_with("  ├─ far.lab")),
            "{text}"
        );
    }
}
