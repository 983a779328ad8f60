import AdmAPI

/// Usage and costs as facts derived from the organization, so every figure refers to real
/// project and key ids and any grouping adds up, to the cent, to the ungrouped total.
///
/// A project key has usage on the days between its creation and its last use (a never-used key
/// has none), over the last 90 days; which kinds of usage it has, which models, how much, and
/// whether through batch or the flex tier follow from a hash of its id and the day, so the same
/// request always gives the same numbers. A little usage with no key (`api_key_id` null) goes to
/// the oldest project, so even the fixture organization has some. Costs are the usage priced per
/// line item, each fact rounded to whole cents. Data lands by the hour, as usage data arrives
/// late: the current bucket holds what happened up to the last full hour, and two requests in the
/// same hour see the same figures.
struct UsageModel {
    /// One day's usage of one key (or none), one model, one kind.
    struct Fact {
        /// What a result may be grouped by: `project_id`, `api_key_id`, `user_id`, `model`, `batch`, …
        var dimensions: [String: JSON]
        /// The measures, in the order the result shows them.
        var metrics: [(String, Int)]
        /// For costs: the amount in cents.
        var cents = 0
    }

    static let day = 86400
    static let history = 90

    /// How the day's usage spreads over its hours (sums to 1).
    static let hourWeights: [Double] = {
        let raw: [Double] = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 7, 8, 8, 8, 7, 6, 5, 4, 4, 3, 3, 2]
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }()

    let state: OrgState
    let now: Int

    /// The keys with their project and owner, once per request.
    let keys: [(id: String, project: String, user: String?, created: Int, lastUsed: Int?)]
    let defaultProject: String?

    init(state: OrgState, now: Int) {
        self.state = state
        self.now = now - now % 3600
        keys = state.table(.projectKey).all.map { r in
            let user =
                r.body["owner"]?["type"]?.stringValue == "user"
                ? (r.body["owner"]?["user"]?["id"]?.stringValue ?? r.hidden["user_id"]?.stringValue) : nil
            return (r.id, r.parent, user, r.body["created_at"]?.intValue ?? 0, r.body["last_used_at"]?.intValue)
        }
        defaultProject = state.defaultProject?.id
    }

    /// The facts of `kind` for the bucket `[start, start + width)`.
    func facts(_ kind: UsageHandlers.Kind, start: Int, width: Int) -> [Fact] {
        let dayStart = start - ((start % Self.day) + Self.day) % Self.day
        guard dayStart >= (now / Self.day - Self.history) * Self.day, start < now else { return [] }
        // The share of the day this bucket holds, and of the bucket that has happened.
        var share = 1.0
        if width < Self.day {
            let hour = (start - dayStart) / 3600
            share = Self.hourWeights[min(23, max(0, hour))] * Double(width) / 3600
        }
        if start + width > now { share *= Double(now - start) / Double(width) }
        var out: [Fact] = []
        for key in keys {
            guard key.created < dayStart + Self.day, let used = key.lastUsed, used >= dayStart else { continue }
            out += kind.facts(seed: key.id, day: dayStart, project: key.project, key: key.id, user: key.user, share: share)
        }
        if let project = defaultProject {
            out += kind.facts(seed: "unattributed", day: dayStart, project: project, key: nil, user: nil, share: share * 0.2)
        }
        return out
    }

    /// The results of one bucket: facts that pass the filters, summed by the requested groups.
    static func results(_ facts: [Fact], kind: UsageHandlers.Kind, groupBy: [String], filters: [String: Set<String>], amountAsString: Bool) -> [JSON]
    {
        let kept = facts.filter { fact in
            filters.allSatisfy { field, allowed in allowed.contains(fact.dimensions[field].map(UsageHandlers.text) ?? "") }
        }
        var groups: [String: (dimensions: [String: JSON], metrics: [(String, Int)], cents: Int)] = [:]
        var order: [String] = []
        for fact in kept {
            let id = groupBy.map { fact.dimensions[$0].map(UsageHandlers.text) ?? "" }.joined(separator: "\u{1}")
            if var g = groups[id] {
                for i in g.metrics.indices { g.metrics[i].1 += fact.metrics[i].1 }
                g.cents += fact.cents
                groups[id] = g
            } else {
                groups[id] = (fact.dimensions, fact.metrics, fact.cents)
                order.append(id)
            }
        }
        if groups.isEmpty, groupBy.isEmpty, kind.object != "organization.costs.result" {
            groups[""] = ([:], kind.metrics.map { ($0, 0) }, 0)
            order = [""]
        }
        return order.sorted().map { id in
            let g = groups[id]!
            var members: [JSON.Member] = [JSON.Member("object", .string(kind.object))]
            if kind.object == "organization.costs.result" {
                let value: JSON =
                    amountAsString ? .string(Formatting.money(Double(g.cents) / 100).replacing(",", with: "")) : .double(Double(g.cents) / 100)
                members.append(JSON.Member("amount", .obj(["value": value, "currency": "usd"])))
            } else {
                for (name, v) in g.metrics { members.append(JSON.Member(name, .int(v))) }
            }
            for field in kind.dimensions {
                members.append(JSON.Member(field, groupBy.contains(field) ? (g.dimensions[field] ?? .null) : .null))
            }
            if kind.object == "organization.costs.result" {
                members.append(JSON.Member("quantity", groupBy.contains("line_item") ? .double(Double(g.metrics.first?.1 ?? 0)) : .null))
            }
            return .object(members)
        }
    }
}
