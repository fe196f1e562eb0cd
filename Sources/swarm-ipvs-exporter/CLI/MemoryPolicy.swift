import CLinux

/// How the exporter uses glibc's allocator, so its memory stays flat over months of scrapes.
///
/// By default glibc gives threads up to 8 × cores arenas of their own. A scrape allocates on
/// whichever pool, event-loop or cooperative thread its pieces run, and memory freed in one arena
/// is not reused by another, so a long soak grows with the default and stays flat with two arenas
/// (docs/benchmarks.md, "Figures behind design choices"). Freed memory is also handed back after
/// every scrape, so the exporter idles at its working set, not at the peak of its largest scrape.
enum MemoryPolicy {
    /// Call first thing, before threads start allocating.
    static func configure() {
        _ = clinux_limit_malloc_arenas(2)
    }

    /// Returns free heap pages to the kernel (after a scrape was sent).
    static func releaseFreeMemory() {
        _ = clinux_release_free_heap()
    }
}
