import LocalIAM

extension FunctionDefinition {
    /// The statements of a function's `Policies`: inline policy documents (`- Statement: [...]`, or
    /// one document), with every `!Sub`, `!Ref`, `!GetAtt` and `!If` already resolved to the names
    /// and ARNs of the emulator's resources. No `Policies` gives no statement (SAM's basic execution
    /// role only writes logs).
    ///
    /// - Throws: `TemplateError` (`unsupported`) for a SAM policy template or a managed policy,
    ///   which the local IAM does not model, and (`invalidValue`) for a statement it cannot read.
    static func policyStatements(_ policies: PropertyReader) throws -> [PolicyStatement] {
        guard policies.isPresent else { return [] }
        let documents: [PropertyReader]
        if policies.value?.listItems != nil {
            documents = try policies.items() ?? []
        } else {
            documents = [policies]
        }
        var statements: [PolicyStatement] = []
        for document in documents {
            if let name = try? document.text() {
                throw document.error(
                    .unsupported,
                    "the managed policy '\(name)' is not modeled by the local IAM; write its statements inline "
                        + "(- Statement: [...]), which the emulator enforces")
            }
            let list = try document["Statement"]
            guard list.isPresent else {
                let name = try document.entries()?.first?.key ?? "this policy"
                throw document.error(
                    .unsupported,
                    "the SAM policy template '\(name)' is not modeled by the local IAM; write its statements inline "
                        + "(- Statement: [...]), which the emulator enforces")
            }
            let items: [PropertyReader] = list.value?.entries != nil ? [list] : try list.items() ?? []
            for item in items { statements.append(try statement(item)) }
        }
        return statements
    }

    private static func statement(_ item: PropertyReader) throws -> PolicyStatement {
        let effectText = try item["Effect"].requiredText()
        guard let effect = PolicyStatement.Effect(rawValue: effectText) else {
            throw try item["Effect"].error(.invalidValue, "Effect is Allow or Deny, not '\(effectText)'")
        }
        func names(_ positive: String, _ negative: String) throws -> PolicyStatement.Names {
            let named = try item[positive].texts(acceptingOne: true)
            let excluded = try item[negative].texts(acceptingOne: true)
            switch (named, excluded) {
            case (let named?, nil): return .only(named)
            case (nil, let excluded?): return .allBut(excluded)
            default:
                throw item.error(.invalidValue, "a statement has exactly one of \(positive) and \(negative)")
            }
        }
        var conditions: [PolicyCondition] = []
        for (op, tests) in try item["Condition"].entries() ?? [] {
            for (key, values) in try tests.entries() ?? [] {
                do {
                    conditions.append(
                        try PolicyCondition(
                            operator: op, key: key, values: try values.texts(acceptingOne: true) ?? []))
                } catch let error as PolicyError {
                    throw values.error(.unsupported, error.message)
                }
            }
        }
        return PolicyStatement(
            sid: try item["Sid"].text(), effect: effect, actions: try names("Action", "NotAction"),
            resources: try names("Resource", "NotResource"), conditions: conditions)
    }
}
