import CKernels

/// What the kernels run on, for benchmark reports.
public enum KernelInfo {
    public static var name: String { String(cString: mf_kernel_name()) }
    public static var threads: Int { Parallel.threadCount }
}
