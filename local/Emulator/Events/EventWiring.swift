import Foundation
import LocalS3
import LocalSQS
import LocalStore
import LocalTemplate
import Runtime

/// The template's event sources, wired as AWS wires them: S3 object-created notifications and
/// schedules become asynchronous invocations; SQS event-source mappings poll their queues and
/// invoke synchronously with batches.
final class EventWiring: @unchecked Sendable {
    // @unchecked Sendable: immutable after `init`; the stores and services are thread-safe.
    let template: Template
    let lambda: LambdaService
    let invoker: AsyncInvoker
    let s3: S3Store
    let sqs: SQSStore
    let timeScale: TimeScale

    init(
        template: Template, lambda: LambdaService, invoker: AsyncInvoker, s3: S3Store, sqs: SQSStore,
        timeScale: TimeScale
    ) {
        self.template = template
        self.lambda = lambda
        self.invoker = invoker
        self.s3 = s3
        self.sqs = sqs
        self.timeScale = timeScale
    }

    /// Runs every wiring until cancelled.
    func run() async {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await self.deliverS3Notifications() }
            for (name, function) in template.functions.sorted(by: { $0.key < $1.key }) {
                for (_, event) in function.events.sorted(by: { $0.key < $1.key }) {
                    switch event {
                    case .sqs(
                        let queue, let batchSize, let window, let reportFailures, let maximumConcurrency, let enabled):
                        guard enabled, let queueName = template.queues[queue]?.name else { continue }
                        let mapping = SQSMapping(
                            function: name, queue: queueName, batchSize: batchSize, windowSeconds: window,
                            reportBatchItemFailures: reportFailures)
                        for _ in 0..<max(2, maximumConcurrency ?? 2) { tasks.addTask { await self.poll(mapping) } }
                    case .schedule(let expression, let enabled, let input):
                        guard enabled,
                            let schedule = Console.reportingFailure(
                                "[Schedule] \(name)'s schedule \(expression) is not run",
                                {
                                    try ScheduleExpression(expression)
                                })
                        else { continue }
                        tasks.addTask { await self.fire(schedule, function: name, input: input) }
                    default:
                        continue
                    }
                }
            }
        }
    }

    // MARK: S3 → Lambda (asynchronous, durable)

    private func deliverS3Notifications() async {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        s3.onNotification = { continuation.yield() }
        continuation.yield()
        for await _ in stream {
            while let batch = Console.reportingFailure(
                "[S3] could not read the pending notifications", { try s3.pendingNotifications(limit: 100) }),
                !batch.isEmpty
            {
                for notification in batch {
                    for (function, payload) in targets(of: notification) {
                        do {
                            try invoker.enqueue(function: function, payload: payload)
                            if FaultInjection.current.duplicatesAnEvent() {
                                Console.write(
                                    "[S3] fault injection: \(notification.key)'s event goes to \(function) twice")
                                try invoker.enqueue(
                                    function: function, payload: payload, delay: Double.random(in: 0...2))
                            }
                        } catch {
                            Console.write(
                                "[S3] could not queue the event of \(notification.key) for \(function): \(error)")
                        }
                    }
                    Console.reportingFailure("[S3] could not mark \(notification.key)'s event delivered") {
                        try s3.markDelivered(notification.id)
                    }
                }
            }
        }
    }

    /// The functions a notification goes to (event type, prefix and suffix filters), with the event.
    func targets(of notification: S3Notification) -> [(String, [UInt8])] {
        var targets: [(String, [UInt8])] = []
        for (name, function) in template.functions.sorted(by: { $0.key < $1.key }) {
            for event in function.events.values {
                guard case .s3(let bucket, let events, let prefix, let suffix) = event,
                    template.buckets[bucket]?.name == notification.bucket,
                    events.contains(where: { Self.matches($0, notification.eventName) }),
                    notification.key.hasPrefix(prefix ?? ""), notification.key.hasSuffix(suffix ?? "")
                else { continue }
                let record = S3Event.Record(
                    awsRegion: template.context.region, eventTime: notification.time, eventName: notification.eventName,
                    userIdentity: .init(principalId: "AWS:local"),
                    requestParameters: .init(sourceIPAddress: notification.sourceIP),
                    responseElements: [
                        "x-amz-request-id": String(notification.sequencer.suffix(16)),
                        "x-amz-id-2": "local/\(notification.sequencer)",
                    ],
                    s3: .init(
                        configurationId: name,
                        bucket: .init(
                            name: notification.bucket, ownerIdentity: .init(principalId: "local"),
                            arn: "arn:aws:s3:::\(notification.bucket)"),
                        object: .init(
                            key: notification.key, size: notification.size, eTag: notification.eTag,
                            sequencer: notification.sequencer)))
                if let payload = Console.reportingFailure(
                    "[S3] could not write \(notification.key)'s event for \(name)",
                    { try JSON.encode(S3Event(records: [record])) })
                {
                    targets.append((name, payload))
                }
                break
            }
        }
        return targets
    }

    /// `s3:ObjectCreated:*` matches `ObjectCreated:Put`; `s3:ObjectCreated:Put` only that.
    static func matches(_ configured: String, _ eventName: String) -> Bool {
        let pattern = configured.hasPrefix("s3:") ? String(configured.dropFirst(3)) : configured
        if pattern.hasSuffix(":*") { return eventName.hasPrefix(String(pattern.dropLast(1))) }
        return pattern == eventName
    }

    // MARK: SQS → Lambda (event-source mapping)

    struct SQSMapping: Sendable {
        var function: String
        var queue: String
        var batchSize: Int
        var windowSeconds: Int
        var reportBatchItemFailures: Bool
    }

    private func poll(_ mapping: SQSMapping) async {
        while !Task.isCancelled {
            var messages: [SQSStore.Message]
            do {
                messages = try await sqs.receive(
                    queue: mapping.queue, max: min(10, mapping.batchSize), visibilityTimeoutSeconds: nil,
                    waitSeconds: 20)
                // MaximumBatchingWindowInSeconds: once a message is in hand, keep gathering until the
                // batch is full or the window closes, as Lambda's pollers do.
                if mapping.windowSeconds > 0 && !messages.isEmpty {
                    let closes = Date().addingTimeInterval(timeScale.scaled(Double(mapping.windowSeconds)))
                    while messages.count < mapping.batchSize, case let left = closes.timeIntervalSinceNow, left > 0 {
                        messages += try await sqs.receive(
                            queue: mapping.queue, max: min(10, mapping.batchSize - messages.count),
                            visibilityTimeoutSeconds: nil,
                            waitSeconds: left / timeScale.factor)
                    }
                }
            } catch {
                if !Task.isCancelled {
                    Console.write("[SQS] could not receive from \(mapping.queue) for \(mapping.function): \(error)")
                }
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard !messages.isEmpty else { continue }
            // A window longer than the queue's visibility timeout (AWS advises against it) can see a
            // message twice; its latest receipt handle is the one that still deletes it.
            var seen = Set<String>()
            messages = messages.reversed().filter { seen.insert($0.messageID).inserted }.reversed()
            let records = messages.map { message in
                SQSEvent.Message(
                    messageId: message.messageID, receiptHandle: message.receiptHandle, body: message.body,
                    attributes: message.attributes, md5OfBody: message.md5OfBody,
                    eventSourceARN: sqs.queueARN(mapping.queue), awsRegion: sqs.region)
            }
            guard
                let payload = Console.reportingFailure(
                    "[SQS] could not write a batch from \(mapping.queue) for \(mapping.function)",
                    {
                        try JSON.encode(SQSEvent(records: records))
                    })
            else { continue }
            if FaultInjection.current.duplicatesAnEvent() {
                // As when two pollers get one message (SQS delivers at least once): the same batch,
                // receipt handles and all, goes to the function a second time, up to 2 s later.
                Console.write(
                    "[SQS] fault injection: a batch of \(messages.count) from \(mapping.queue) goes to \(mapping.function) twice"
                )
                let copy = messages
                Task {
                    try? await Task.sleep(for: .seconds(Double.random(in: 0...2)))
                    await self.deliver(copy, payload: payload, mapping)
                }
            }
            await deliver(messages, payload: payload, mapping)
        }
    }

    /// Invokes the mapping's function with a batch and deletes the messages it handled: all of them,
    /// or with `ReportBatchItemFailures` those it did not list. A failed invocation deletes nothing;
    /// the batch returns to the queue when its visibility timeout passes, and the queue's redrive
    /// policy moves a message that keeps failing to its dead-letter queue.
    private func deliver(_ messages: [SQSStore.Message], payload: [UInt8], _ mapping: SQSMapping) async {
        let result: InvocationResult
        do {
            result = try await lambda.invoke(mapping.function, payload: payload)
        } catch {
            Console.write("[SQS] could not invoke \(mapping.function) with a batch from \(mapping.queue): \(error)")
            return
        }
        guard result.kind == .success else { return }
        var failed: Set<String> = []
        if mapping.reportBatchItemFailures,
            let response = Console.reportingFailure(
                "[SQS] \(mapping.function)'s answer is not a batch response; every message counts as handled",
                {
                    try JSON.decode(SQSBatchResponse.self, from: result.payload)
                })
        {
            failed = Set(response.batchItemFailures.map(\.itemIdentifier))
        }
        for message in messages where !failed.contains(message.messageID) {
            Console.reportingFailure("[SQS] could not delete a handled message from \(mapping.queue)") {
                try sqs.delete(queue: mapping.queue, receiptHandle: message.receiptHandle)
            }
        }
    }

    // MARK: Schedules

    private func fire(_ schedule: ScheduleExpression, function: String, input: String?) async {
        var awsTime = Date()
        while !Task.isCancelled {
            guard let next = schedule.next(after: awsTime) else { return }
            let wait = timeScale.scaled(next.timeIntervalSince(awsTime))
            try? await Task.sleep(for: .seconds(max(wait, 0.001)))
            awsTime = next
            let event = ScheduledEvent(
                id: UUID().uuidString.lowercased(), account: template.context.accountID,
                time: Timestamp(millisecondsSinceEpoch: Int64(next.timeIntervalSince1970 * 1000)),
                region: template.context.region,
                resources: ["arn:aws:events:\(template.context.region):\(template.context.accountID):rule/\(function)"])
            let payload =
                input.map { Array($0.utf8) }
                ?? Console.reportingFailure("[Schedule] could not write \(function)'s event") {
                    try JSON.encode(event)
                } ?? []
            Console.reportingFailure("[Schedule] could not queue \(function)'s event") {
                try invoker.enqueue(function: function, payload: payload)
            }
        }
    }
}
