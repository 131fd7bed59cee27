"""The checks of scripts/check-fixes on one fixed copy.

Usage: check-fixes.py BEFORE_DIR AFTER_DIR FIXED_JSON RELINT_JSON BEFORE_JSON STRICT

BEFORE_DIR holds the files as they were, AFTER_DIR as `--fix --unsafe-fixes`
left them; FIXED_JSON is that run's report, RELINT_JSON a plain lint of the
fixed files, BEFORE_JSON one of the original files. With STRICT=1 no finding
may keep a fix.
"""

import collections
import json
import os
import re
import subprocess
import sys


def changed_files(before, after):
    out = []
    for folder, _, names in os.walk(after):
        for name in names:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, after)
            with open(path, "rb") as f:
                new = f.read()
            try:
                with open(os.path.join(before, rel), "rb") as f:
                    old = f.read()
            except FileNotFoundError:
                old = None
            if old != new:
                out.append(rel)
    return sorted(out)


def cfn_lint_errors(folder, files):
    """cfn-lint's errors (E rules) per file, each as its rule and the words of
    its message without numbers, so that lines that moved do not make an
    error new."""
    if not files:
        return {}
    cfn_lint = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    run = subprocess.run(
        [cfn_lint, "--format", "parseable", "--"] + files,
        cwd=folder,
        capture_output=True,
        text=True,
        # Messages that print sets keep one order across both runs.
        env=dict(os.environ, PYTHONHASHSEED="0"),
    )
    errors = collections.defaultdict(collections.Counter)
    for line in run.stdout.splitlines():
        parts = line.split(":", 6)
        if len(parts) < 7:
            continue
        file, rule, message = parts[0], parts[5], parts[6]
        if rule.startswith("E"):
            words = sorted(re.findall(r"[A-Za-z_:.]+", message))
            errors[file][(rule, " ".join(words))] += 1
    return errors


def hcl2_reads(path):
    import hcl2

    try:
        with open(path, encoding="utf-8") as f:
            hcl2.load(f)
        return True
    except Exception:  # any failure to parse
        return False


def main():
    before, after, fixed_json, relint_json, before_json, strict = sys.argv[1:7]
    strict = strict == "1"
    fixed = json.load(open(fixed_json))
    relint = json.load(open(relint_json))
    original = json.load(open(before_json))
    failures = []

    changed = changed_files(before, after)
    print(f"{len(changed)} files changed; {fixed['summary']['findings']} findings left")

    # Every file still parses: no error the original files did not have.
    def errors(report):
        return collections.Counter((e["file"], e["message"]) for e in report["errors"])

    new_errors = errors(relint) - errors(original)
    for (file, message), _ in new_errors.items():
        failures.append(f"{file}: phiguard cannot read it after fixing: {message}")

    # Every finding still carrying a fix says why.
    left = [f for f in fixed["findings"] if f.get("fix") and not f.get("suppressed")]
    for f in left:
        why = [n for n in f["notes"] if n.startswith("fix not applied:")]
        line = f"{f['file']}:{f['start']['line']}: {f['rule']}: {why[0] if why else 'NO REASON GIVEN'}"
        print(f"  fix left: {line}")
        if not why or strict:
            failures.append(f"fix left: {line}")

    # CloudFormation templates: no new cfn-lint errors.
    templates = []
    for rel in changed:
        if rel.endswith((".yaml", ".yml", ".json", ".template")):
            with open(os.path.join(after, rel), encoding="utf-8", errors="replace") as f:
                if "Resources" in f.read():
                    templates.append(rel)
    old_lint = cfn_lint_errors(before, templates)
    new_lint = cfn_lint_errors(after, templates)
    for rel in templates:
        added = new_lint.get(rel, collections.Counter()) - old_lint.get(rel, collections.Counter())
        for (rule, message), _ in added.items():
            failures.append(f"{rel}: cfn-lint {rule} after fixing: {message}")
    print(f"cfn-lint: {len(templates)} changed templates checked")

    # Terraform: what python-hcl2 read before, it reads after.
    terraform = [rel for rel in changed if rel.endswith((".tf", ".tfvars"))]
    read_before = 0
    for rel in terraform:
        if hcl2_reads(os.path.join(before, rel)):
            read_before += 1
            if not hcl2_reads(os.path.join(after, rel)):
                failures.append(f"{rel}: python-hcl2 read it before the fixes, not after")
    print(f"python-hcl2: {read_before} of {len(terraform)} changed Terraform files read before, checked after")

    if failures:
        print("\n".join(["FAILED:"] + failures), file=sys.stderr)
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
