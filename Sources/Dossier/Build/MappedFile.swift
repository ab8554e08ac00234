import Foundation

/// A file's bytes mapped read-only into the process instead of copied into fresh memory: the pages
/// the kernel already holds (a previous build's output, just written) are shared, and a page never
/// read is never touched. Used for the previous build's files, which a build replaces only by
/// renaming a new file over them (the mapped one stays whole) or, for the memo, by appending or
/// cutting back past its last whole entry, which is never read.
enum MappedFile {
    /// The bytes of the file at `path` (read, on a file system that cannot map it), nil when it
    /// cannot be read. `populate` maps every page at once (for a file read in full); otherwise
    /// pages are mapped as they are read.
    static func read(_ path: String, populate: Bool) -> (data: Data, info: stat)? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        guard size > 0 else { return (Data(), info) }
        #if os(Linux)
        let flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0)
        #else
        let flags = MAP_PRIVATE
        #endif
        let address = mmap(nil, size, PROT_READ, flags, descriptor, 0)
        guard let address, address != MAP_FAILED else {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
            guard let data = try? handle.readToEnd(), data.count == size else { return nil }
            return (data, info)
        }
        return (Data(bytesNoCopy: address, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) }), info)
    }
}
