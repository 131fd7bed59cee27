use phiguard_parser::{load, LoadOptions};
fn main() {
    let p: std::path::PathBuf = std::env::args().nth(1).unwrap().into();
    let m = load(&LoadOptions { paths: vec![p.clone()], base_dir: p.clone(), ..Default::default() });
    for r in &m.resources { println!("{} {:?}", r.address, r.instance_note); }
    for u in &m.unavailable_modules { println!("UNAVAILABLE {} {} {}", u.address, u.source, u.reason); }
    for b in &m.buckets {
        println!("BUCKET {} {:?}", m.resource(b.resource).address, b.name.as_ref().map(|n| n.display()));
        let dbg = format!("{:?}", b);
        for part in dbg.split("Unknown(Unknown { reason: \"").skip(1) { println!("   ? {}", &part[..part.find('"').unwrap_or(0)]); }
        println!("   acl={:?} ver={:?} enc={} log={} pab={} policy={:?}", b.acl.as_ref().map(|a| a.canned.as_ref().map(|c| c.display())), b.versioning.as_ref().map(|v| v.status.as_ref().map(|s| s.display())), b.encryption.is_some(), b.logging.is_some(), b.public_access_block.is_some(), b.policy.as_ref().map(|p| match &p.document { phiguard_model::PolicySource::Document(d) => format!("doc {} stmts", d.statements.len()), other => format!("{:?}", other).chars().take(80).collect() }));
    }
    for d in &m.domains { println!("DOMAIN {} {:?}", m.resource(d.resource).address, format!("{:?}", d).split("reason: ").skip(1).map(|s| s.chars().take(70).collect::<String>()).collect::<Vec<_>>()); }
    for e in &m.errors { println!("ERR {} {}", e.path, e.message); }
}
