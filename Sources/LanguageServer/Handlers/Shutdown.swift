extension LanguageServer {
    /// `shutdown`: from now on requests are refused and `exit` exits with 0. Work in flight is
    /// cancelled, and the answer goes through the inference queue, so every request queued
    /// before it has been answered (-32800 for most) by the time the client reads it.
    func shutdown(reply: PendingReply) {
        lifecycle = .shutDown
        log.info("shutdown")
        requests.cancelAll(except: reply.id)
        engine.queue.async { reply.succeed(.null) }
    }
}
