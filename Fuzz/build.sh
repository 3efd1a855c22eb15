#!/usr/bin/env bash
# Builds the libFuzzer targets: Fuzz/build.sh [TARGET...] (default: all). Prints nothing on success but the paths.
#
# Each target is the harness compiled together with the sources of the modules it exercises as ONE Swift module (not
# through SwiftPM, which cannot add -sanitize=fuzzer to a single product). Cross-module imports such as
# `public import DltafJSON` are removed from copies of the sources under .build/fuzz/src/TARGET; nothing under
# Sources/ is modified.
#
# Environment: FUZZ_SANITIZERS (default "fuzzer,address"; "fuzzer" alone builds without AddressSanitizer),
#              SWIFTC (default swiftc), FUZZ_OUT (default .build/fuzz).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SWIFTC="${SWIFTC:-swiftc}"
SANITIZERS="${FUZZ_SANITIZERS:-fuzzer,address}"
OUT="${FUZZ_OUT:-.build/fuzz}"

ALL_TARGETS=(line-decoder yaml-loader)

# sources_of TARGET: the files to compile (harness last), one per line.
sources_of() {
    case "$1" in
        line-decoder)
            ls Sources/DltafJSON/*.swift Sources/DltafProtocol/*.swift
            echo Fuzz/LineDecoderFuzzer.swift
            ;;
        yaml-loader)
            ls Sources/DltafYAML/*.swift
            echo Fuzz/YAMLLoaderFuzzer.swift
            ;;
        *)
            echo "unknown fuzz target '$1' (known: ${ALL_TARGETS[*]})" >&2
            return 2
            ;;
    esac
}

# extra_flags_of TARGET: compiler flags beyond the common ones.
extra_flags_of() {
    case "$1" in
        yaml-loader) echo "-I $ROOT/Sources/CLibYAML -lyaml" ;;
        *) echo "" ;;
    esac
}

build() {
    local target="$1"
    local sources=()
    mapfile -t sources < <(sources_of "$target")
    local extra=()
    read -r -a extra <<<"$(extra_flags_of "$target")"
    local binary="$OUT/$target"
    local stamp="$OUT/$target.flags"
    local flags
    flags="-sanitize=$SANITIZERS${extra[*]:+ ${extra[*]}}"

    # Up to date when the binary is newer than every source and was built with the same flags.
    if [[ -x "$binary" && -f "$stamp" && "$(cat "$stamp")" == "$flags" ]]; then
        local newer
        newer="$(find "${sources[@]}" Fuzz/build.sh -newer "$binary" 2>/dev/null | head -n 1)"
        if [[ -z "$newer" ]]; then
            echo "$binary"
            return 0
        fi
    fi

    local src="$OUT/src/$target"
    rm -rf "$src"
    mkdir -p "$src"
    local copies=()
    local file copy
    for file in "${sources[@]}"; do
        copy="$src/$(basename "$(dirname "$file")")_$(basename "$file")"
        # Same line count as the original, so compiler messages and stack traces keep their line numbers.
        sed -E 's/^(public |internal |package )?import Dltaf[A-Za-z]*$/\/\/ (fuzz build) &/' "$file" >"$copy"
        copies+=("$copy")
    done

    echo "building $binary ($flags)" >&2
    # Run from the scratch folder: with -g the driver leaves MODULE-1.swiftmodule/.swiftdoc/.swiftsourceinfo in the
    # current directory, which must not be the work tree.
    local abs_binary="$ROOT/$binary"
    [[ "$binary" == /* ]] && abs_binary="$binary"
    [[ "$src" == /* ]] || src="$ROOT/$src"
    local relative=()
    for file in "${copies[@]}"; do relative+=("$(basename "$file")"); done
    (cd "$src" && "$SWIFTC" -sanitize="$SANITIZERS" -use-ld=lld -parse-as-library -swift-version 6 -O -wmo -g \
        -enable-upcoming-feature ExistentialAny \
        -module-name "Fuzz_${target//-/_}" \
        "${extra[@]}" \
        "${relative[@]}" -o "$abs_binary" >&2)
    echo "$flags" >"$stamp"
    echo "$binary"
}

mkdir -p "$OUT"
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")
for target in "${targets[@]}"; do
    build "$target"
done
