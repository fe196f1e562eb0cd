#if canImport(Glibc)
import Glibc
#endif

/// What `stat` says of a file, enough to notice that it was rewritten, replaced or removed
/// (inode, size, modification and change times to the nanosecond).
struct FileFingerprint: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: timespec
    let changed: timespec
    /// errno of a failed stat (the file is missing or unreadable), 0 otherwise.
    let error: Int32

    init(path: String) {
        var info = stat()
        if stat(path, &info) == 0 {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = info.st_mtim
            changed = info.st_ctim
            error = 0
        } else {
            device = 0
            inode = 0
            size = -1
            modified = timespec()
            changed = timespec()
            error = errno
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size && lhs.error == rhs.error
            && lhs.modified.tv_sec == rhs.modified.tv_sec && lhs.modified.tv_nsec == rhs.modified.tv_nsec
            && lhs.changed.tv_sec == rhs.changed.tv_sec && lhs.changed.tv_nsec == rhs.changed.tv_nsec
    }
}

/// Fingerprints of the config file and every file it names.
struct FileSetFingerprint: Equatable, Sendable {
    let files: [String]
    let fingerprints: [FileFingerprint]

    init(files: [String]) {
        self.init(files: files, fingerprints: files.map(FileFingerprint.init(path:)))
    }

    init(files: [String], fingerprints: [FileFingerprint]) {
        self.files = files
        self.fingerprints = fingerprints
    }
}
