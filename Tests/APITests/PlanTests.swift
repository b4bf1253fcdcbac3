import Cloud
import Foundation
import HTTP
import Runtime
import TestSupport
import Testing
import Transcriptor

/// Plans over the wire: the pricing page's list, the limits an account's plan gives (capped by
/// the deployment's), and the operator's way to put an account on a plan.
@Suite struct PlanTests {
    @Test func thePlansAreListedWithoutSigningIn() throws {
        let api = try APIHarness()
        let reply = try api.call(.get, "/v1/billing/plans")
        #expect(reply.status == 200, "\(reply)")
        let plans = try #require(reply.json["plans"] as? [[String: Any]])
        #expect(plans.map { $0["id"] as? String } == ["free", "pro", "business"])
        let keys: Set<String> = [
            "id", "name", "priceCents", "currency", "interval", "monthlyMinutes", "maxFileSeconds", "jobsInFlight",
            "overageCentsPerMinute",
        ]
        #expect(plans.allSatisfy { Set($0.keys) == keys })
        #expect(plans[0]["overageCentsPerMinute"] is NSNull && plans[2]["overageCentsPerMinute"] as? Int == 1)
        #expect(plans[1]["priceCents"] as? Int == 1500 && plans[1]["currency"] as? String == "usd")
    }

    @Test func anAccountGetsItsPlansLimitsCappedByTheDeployments() throws {
        let api = try APIHarness(parameters: ["MonthlyAudioMinutes": "1000"])
        let session = try api.signup()
        let free = try #require(
            try api.call(.get, "/v1/me", token: session.accessToken).json["limits"] as? [String: Any])
        #expect(free["monthlyAudioMinutes"] as? Int == 60 && free["jobsInFlight"] as? Int == 3)

        let (status, output) = try api.putOnPlan(session.email.uppercased(), "pro")
        #expect(status == 0, "\(output)")
        let me = try api.call(.get, "/v1/me", token: session.accessToken)
        #expect(me.json["plan"] as? String == "pro")
        let pro = try #require(me.json["limits"] as? [String: Any])
        // Pro includes 1,200 minutes; this deployment caps every plan at 1,000.
        #expect(pro["monthlyAudioMinutes"] as? Int == 1000)
        #expect(pro["jobsInFlight"] as? Int == 20 && pro["maxFileSeconds"] as? Int == 4 * 3600)

        let (unknownPlan, said) = try api.putOnPlan(session.email, "gold")
        #expect(unknownPlan != 0 && said.contains("free, pro, business"), "\(said)")
        let (nobody, nobodySaid) = try api.putOnPlan("nobody@example.com", "pro")
        #expect(nobody != 0 && nobodySaid.contains("no account"), "\(nobodySaid)")
    }

    @Test func freeAllowsThreeJobsInFlightAndProMore() throws {
        let api = try APIHarness()
        let session = try api.signup()
        let body: [String: Any] = [
            "source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 1000]]
        ]
        for _ in 0..<3 {
            #expect(try api.call(.post, "/v1/jobs", token: session.accessToken, json: body).status == 201)
        }
        let fourth = try api.call(.post, "/v1/jobs", token: session.accessToken, json: body)
        #expect(fourth.status == 429 && fourth.errorCode == "too_many_jobs", "\(fourth)")
        #expect(fourth.errorMessage.contains("3 jobs"))
        _ = try api.putOnPlan(session.email, "pro")
        #expect(try api.call(.post, "/v1/jobs", token: session.accessToken, json: body).status == 201)
    }

    /// Overage is charged through the account's Stripe subscription: a plan an operator set (a trial,
    /// staff) has none, so minutes let through would be free; it stops at its minutes, Business too.
    @Test func aPlanWithoutASubscriptionStopsAtItsMinutesBusinessToo() throws {
        // A deployment that caps every plan at one minute a month, with a minute already used.
        let api = try APIHarness(parameters: ["MonthlyAudioMinutes": "1"])
        let body: [String: Any] = [
            "source": ["upload": ["filename": "a.wav", "contentType": "audio/wav", "size": 1000]]
        ]
        for plan in ["pro", "business"] {
            let session = try api.signup()
            try api.setPlan(session.email, plan)
            let db = try DynamoDBClient(configuration: api.aws)
            try db.updateItem(
                table: "transcriptor-local-Table",
                key: ["pk": .s("USER#\(session.userID)"), "sk": .s("USAGE#\(Keys.month(.now()))")],
                update: "SET audioSeconds = :s", values: [":s": .number(60)])
            let reply = try api.call(.post, "/v1/jobs", token: session.accessToken, json: body)
            #expect(reply.status == 402 && reply.errorCode == "quota_exceeded", "\(plan): \(reply)")
        }
    }
}
