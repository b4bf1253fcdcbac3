import Foundation

/// Receivers parked in a long poll, woken when their queue may have a message, or when their
/// timer ends, whichever comes first. No polling loop: each wait is one continuation.
final class LongPollWaiters: @unchecked Sendable {
    // @unchecked Sendable: `waiters`, `generations` and `nextID` are only touched while holding `lock`,
    // and each continuation is removed under the lock before it is resumed, so it resumes once.
    private let lock = NSLock()
    private var waiters: [Int: (queue: String, continuation: CheckedContinuation<Void, Never>)] = [:]
    private var generations: [String: Int] = [:]
    private var nextID = 0

    /// A counter that changes whenever `queue` is notified; take it before looking for messages and
    /// pass it to `wait`, so a message sent in between is not missed.
    func generation(of queue: String) -> Int { lock.withLock { generations[queue, default: 0] } }

    /// Wakes every receiver waiting on `queue`.
    func notify(_ queue: String) {
        let woken = lock.withLock {
            generations[queue, default: 0] += 1
            let ids = waiters.filter { $0.value.queue == queue }.map(\.key)
            return ids.compactMap { waiters.removeValue(forKey: $0)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until `queue` is notified after `generation`, `seconds` pass, or the task is cancelled.
    func wait(queue: String, since generation: Int, seconds: Double) async {
        guard seconds > 0 else { return }
        let id = lock.withLock {
            nextID += 1
            return nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = lock.withLock {
                    // Checked under the lock, so a send or a cancellation is seen here or finds the waiter.
                    if generations[queue, default: 0] != generation || Task.isCancelled { return true }
                    waiters[id] = (queue, continuation)
                    return false
                }
                if resumeNow {
                    continuation.resume()
                    return
                }
                Task { [weak self] in
                    try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                    self?.resume(id)
                }
            }
        } onCancel: {
            resume(id)
        }
    }

    private func resume(_ id: Int) {
        lock.withLock { waiters.removeValue(forKey: id) }?.continuation.resume()
    }
}
