# The release build people install: the Swift runtime linked in (--static-swift-stdlib), so it
# runs without the toolchain (it needs libedit2 and the base system's libc, libstdc++ and zlib), linked with lld and packed
# relative relocations, which cuts the dynamic loader's start-up work by about a millisecond.
# Sourced by Scripts/install and Scripts/bench. Output: .build-static/release/adm
build_static_release() {
    local linker=()
    if command -v ld.lld >/dev/null 2>&1 || [ -x "$(dirname "$(command -v swift)")/ld.lld" ]; then
        # Without the unwind tables and their index (5.6 MB; Scripts/lib/no-unwind-tables.ld says
        # why nothing needs them): 33.7 → 28.1 MB stripped.
        linker=(-Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --icf=safe
            -Xlinker --no-eh-frame-hdr -Xlinker -T -Xlinker "$PWD/Scripts/lib/no-unwind-tables.ld")
    fi
    # Generic metadata prespecialised at compile time instead of demangled and instantiated
    # at run time: NIO and AsyncHTTPClient instantiate hundreds of generic types on a first
    # request, and this cut a one-call one-liner by about 1.5 ms (12.7 vs 14.3 ms, same run).
    # The static build is the one the end-to-end suites run again (Scripts/test).
    # Size (README, bench section 12): -Osize, and no dynamic symbol table for every Swift
    # symbol (swiftc links executables with --export-dynamic; nothing loads adm as a library) —
    # 39.5 → 33.7 MB stripped (28.1 MB without the unwind tables, above), and start-up is faster for it (fewer symbols to relocate:
    # `adm -e 'print 1'` 8.4 → 6.5 ms, one call 12.8 → 11.1 ms, same run). Identical functions
    # folded where no address is compared (--icf=safe, with lld). No debug information: the
    # binary is stripped when packaged, and building it took time on every CI run.
    swift build -c release --static-swift-stdlib --scratch-path .build-static --product adm "${linker[@]}" \
        -Xswiftc -Xfrontend -Xswiftc -prespecialize-generic-metadata -Xswiftc -Osize \
        -Xlinker --no-export-dynamic -Xswiftc -gnone -Xcc -g0 "$@"
}
