import Foundation

/// A file mapped read-only into memory. Pages are read on first touch, so opening a large
/// model is fast and its weights are shared with the page cache rather than copied.
final class MappedFile: @unchecked Sendable {
    let path: String
    let base: UnsafeRawPointer
    let size: Int
    private let mapping: UnsafeMutableRawPointer?
    private var placeholder: UnsafeMutableRawPointer? = nil

    init(path: String) throws(ModelError) {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ModelError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw ModelError("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ModelError("\(path) is not a regular file") }
        size = Int(info.st_size)
        if size == 0 {
            mapping = nil
            // mmap refuses zero bytes; a placeholder stands in (never read: reads are checked against size 0).
            let empty = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
            placeholder = empty
            base = UnsafeRawPointer(empty)
            return
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw ModelError("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        mapping = mapped
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let mapping { munmap(mapping, size) }
        placeholder?.deallocate()
    }

    /// Tells the kernel the pages wholly inside `range` are not needed now (they leave this
    /// process's resident memory and are read again from the file if ever touched).
    func release(_ range: Range<Int>) {
        guard let mapping else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0 else { return }
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        if start < end { madvise(mapping + start, end - start, Int32(MADV_DONTNEED)) }
    }

    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }
}
