#!/usr/bin/env python3
"""Fails when the set-up in dev.sh is incomplete, even on a machine that already has everything installed.

It lists every file under /usr that configuring and compiling healthdeck read:
  - the CMake files the configure step read (the inputs that build.ninja lists for its re-run rule),
  - the programs and libraries that CMakeCache.txt found,
  - every header the compiler read (ninja's dependency log),
  - every tool, library and file named on the build's command lines (compilers, moc, rcc, linked .so files),
finds the Debian package that owns each, and requires each of those packages to be one that dev.sh installs, or
a hard dependency (Depends / Pre-Depends, recursively) of one, or part of the essential base. A package that is
only recommended does not count: dev.sh installs with --no-install-recommends, and so does a fresh machine.

usage: setup_closure.py --build BUILD_DIR (--dev-sh PATH | --packages "pkg pkg ...")
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys

ROOT = "/usr/"


def files_read_by_configure(build):
    """CMake files: build.ninja's RERUN_CMAKE edge lists every file the configure step read."""
    found = set()
    with open(os.path.join(build, "build.ninja"), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^build build\.ninja[^:]*: RERUN_CMAKE[^|]*\|(.*?)(?<!\$)\n", text, re.M | re.S)
    if not m:
        sys.exit("setup_closure: build.ninja has no RERUN_CMAKE edge; is %s a Ninja build?" % build)
    for token in m.group(1).replace("$\n", " ").split():
        found.add(token.replace("$ ", " ").replace("$:", ":"))
    # The programs configure runs or the build uses (compiler, archiver, pkg-config, ccache). Other tools CMake
    # merely notes (llvm-ar, ld.lld beside clang) count only where a command line runs them, and libraries only
    # where one links them: a FindX module may cache an optional library that nothing uses.
    program = re.compile(r"^(CMAKE_C_COMPILER|CMAKE_CXX_COMPILER|CMAKE_MAKE_PROGRAM|CMAKE_AR|CMAKE_RANLIB"
                         r"|PKG_CONFIG_EXECUTABLE|CCACHE_PROGRAM):FILEPATH=(/.*)$")
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            m = program.match(line.strip())
            if m:
                found.add(m.group(2))
    return found


def files_read_by_compiling(build):
    found = set()
    deps = subprocess.run(["ninja", "-C", build, "-t", "deps"], capture_output=True, text=True, check=True).stdout
    for line in deps.splitlines():
        if line.startswith("    "):
            found.add(line.strip())
    commands = subprocess.run(["ninja", "-C", build, "-t", "commands"], capture_output=True, text=True,
                              check=True).stdout
    libs = set()
    for line in commands.splitlines():
        try:
            tokens = shlex.split(line)
        except ValueError:
            tokens = line.split()
        for t in tokens:
            for part in re.split(r"[=,:]", t):
                if part.startswith(ROOT):
                    found.add(part)
            if t.startswith("-l") and len(t) > 2:
                libs.add(t[2:])
    for lib in sorted(libs):
        path = subprocess.run(["c++", "-print-file-name=lib%s.so" % lib], capture_output=True, text=True).stdout.strip()
        if os.path.isabs(path):
            found.add(path)
    return found


def dpkg_owners():
    """path -> package, from dpkg's own file lists."""
    owners = {}
    for listfile in glob.glob("/var/lib/dpkg/info/*.list"):
        package = os.path.basename(listfile)[:-5].split(":")[0]
        with open(listfile, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                owners.setdefault(line.rstrip("\n"), package)
    return owners


def owner_of(path, owners):
    candidates = [path, os.path.realpath(path)]
    for c in list(candidates):
        # merged /usr: a package may list /lib/... for what the build reads as /usr/lib/...
        if c.startswith(("/usr/lib/", "/usr/bin/", "/usr/sbin/", "/usr/lib64/")):
            candidates.append(c[4:])
    for c in candidates:
        if c in owners:
            return owners[c]
    return None


def parse_status():
    """Installed packages: name -> fields (Provides, Depends, Pre-Depends, Recommends, Essential)."""
    packages = {}
    with open("/var/lib/dpkg/status", encoding="utf-8", errors="replace") as f:
        stanza = {}
        key = None
        for line in f.read().split("\n") + [""]:
            if not line:
                if stanza.get("Status", "").endswith(" installed"):
                    packages.setdefault(stanza["Package"], stanza)
                stanza, key = {}, None
            elif line[0] in " \t":
                if key:
                    stanza[key] += line
            else:
                key, _, value = line.partition(":")
                stanza[key] = value.strip()
    return packages


def dep_groups(field):
    """'a (>= 1) | b:any, c' -> [['a', 'b'], ['c']]"""
    groups = []
    for group in field.split(","):
        alts = []
        for alt in group.split("|"):
            name = re.sub(r"\(.*?\)|\[.*?\]|<.*?>", "", alt).strip().split(":")[0]
            if name:
                alts.append(name)
        if alts:
            groups.append(alts)
    return groups


def closure(roots, installed):
    providers = {}
    for name, fields in installed.items():
        for group in dep_groups(fields.get("Provides", "")):
            for virtual in group:
                providers.setdefault(virtual, []).append(name)
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in installed:
            continue
        seen.add(name)
        fields = installed[name]
        for field in ("Pre-Depends", "Depends"):
            for alts in dep_groups(fields.get(field, "")):
                # apt takes the first alternative it can; on this machine that is the first one present.
                for alt in alts:
                    chosen = [alt] if alt in installed else providers.get(alt, [])
                    if chosen:
                        todo.extend(chosen)
                        break
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--dev-sh", help="dev.sh, asked for its list with `dev.sh packages`")
    ap.add_argument("--packages", help="a package list to check instead, space separated")
    args = ap.parse_args()
    if args.packages is None:
        if not args.dev_sh:
            ap.error("give --dev-sh or --packages")
        args.packages = subprocess.run(["bash", args.dev_sh, "packages"], capture_output=True, text=True,
                                       check=True).stdout

    listed = args.packages.split()
    installed = parse_status()
    not_installed = [p for p in listed if p not in installed]
    if not_installed:
        print("setup_closure: dev.sh lists packages that are not installed: %s (run ./dev.sh build)"
              % " ".join(not_installed))
        return 1
    essential = [n for n, f in installed.items() if f.get("Essential") == "yes"]
    covered = closure(listed + essential, installed)

    read = {p for p in files_read_by_configure(args.build) | files_read_by_compiling(args.build)
            if p.startswith(ROOT) and os.path.isfile(p)}
    owners = dpkg_owners()
    needed, unowned = {}, []
    for path in sorted(read):
        package = owner_of(path, owners)
        if package is None:
            unowned.append(path)
        else:
            needed.setdefault(package, []).append(path)

    recommended_by = {}
    for name in covered:
        for alts in dep_groups(installed[name].get("Recommends", "")):
            for alt in alts:
                recommended_by.setdefault(alt, []).append(name)

    failures = 0
    for package in sorted(needed):
        if package in covered:
            continue
        failures += 1
        why = ""
        if package in recommended_by:
            why = " (only recommended by %s)" % ", ".join(sorted(recommended_by[package]))
        print("setup_closure: the build reads %d file(s) of %s, which dev.sh does not install%s, e.g. %s"
              % (len(needed[package]), package, why, needed[package][0]))
    for path in unowned:
        failures += 1
        print("setup_closure: the build reads %s, which no Debian package owns (installed by hand?)" % path)
    print("setup_closure: %d files under /usr read by configure and compile, from %d packages; "
          "%d package(s) dev.sh lists, %d in their hard-dependency closure"
          % (len(read), len(needed), len(listed), len(covered)))
    if failures:
        print("setup_closure: FAILED: add the package(s) above to dev.sh's list")
        return 1
    print("setup_closure: every package the build reads is installed by dev.sh or a hard dependency of it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
