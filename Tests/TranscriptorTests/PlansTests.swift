import Foundation
import Testing
import Transcriptor

/// The plans document (config/plans.json, the template's `Plans`) and the limits a plan gives.
@Suite struct PlansTests {
    static let document = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/plans.json"), encoding: .utf8)

    @Test func theDocumentGivesFreeProAndBusinessWithTheirLimits() throws {
        let catalog = try PlanCatalog.parse(Self.document)
        #expect(catalog.plans.map(\.id) == ["free", "pro", "business"])
        let free = try #require(catalog.plan("free"))
        #expect(free.monthlyMinutes == 60 && free.maxFileSeconds == 1800 && free.jobsInFlight == 3)
        #expect(free.priceCents == 0 && !free.allowsOverage)
        let pro = try #require(catalog.plan("pro"))
        #expect(pro.priceCents == 1500 && pro.monthlyMinutes == 1200 && pro.maxFileSeconds == 4 * 3600)
        let business = try #require(catalog.plan("business"))
        #expect(business.priceCents == 6000 && business.jobsInFlight == 50 && business.overageCentsPerMinute == 1)
        #expect(catalog.plans.allSatisfy { $0.currency == "usd" && $0.interval == "month" })
    }

    @Test func theLimitInForceIsTheSmallerOfThePlansAndTheDeploymentsCap() throws {
        let catalog = try PlanCatalog.parse(Self.document)
        let caps = ServiceSettings.Limits(
            monthlyAudioMinutes: 500, jobsInFlight: 10, maxUploadBytes: 1 << 30, maxFileSeconds: 3600)
        let pro = caps.capped(by: try #require(catalog.plan("pro")))
        #expect(pro == .init(monthlyAudioMinutes: 500, jobsInFlight: 10, maxUploadBytes: 1 << 30, maxFileSeconds: 3600))
        let free = caps.capped(by: try #require(catalog.plan("free")))
        #expect(free == .init(monthlyAudioMinutes: 60, jobsInFlight: 3, maxUploadBytes: 1 << 30, maxFileSeconds: 1800))
    }

    @Test func anAccountOnAPlanNoLongerOfferedIsOnFree() throws {
        let catalog = try PlanCatalog.parse(Self.document)
        #expect(catalog.planOrDefault("gold").id == "free")
        #expect(catalog.planOrDefault("business").id == "business")
    }

    @Test func aBrokenDocumentIsRefusedSayingWhy() {
        for bad in [
            "", "{}", #"{"currency":"usd","plans":[]}"#,
            #"{"currency":"usd","plans":[{"id":"pro","name":"Pro","priceCents":1500,"interval":"month","monthlyMinutes":1,"maxFileSeconds":1,"jobsInFlight":1}]}"#,
            #"{"currency":"usd","plans":[{"id":"free","name":"Free","priceCents":0,"interval":"month","monthlyMinutes":0,"maxFileSeconds":1,"jobsInFlight":1}]}"#,
        ] {
            #expect(throws: ServiceSettings.Invalid.self, "\(bad)") { try PlanCatalog.parse(bad) }
        }
    }

    @Test func thePlansEncodeWithEveryFieldOverageNullWhenNone() throws {
        let free = try #require(try PlanCatalog.parse(Self.document).plan("free"))
        let text = String(decoding: try JSONEncoder().encode(free), as: UTF8.self)
        #expect(text.contains(#""overageCentsPerMinute":null"#))
    }
}
