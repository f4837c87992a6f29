import EVMCore
import EVMState
import EVMExecution
import ParallelExecutor
import EVMAssembly
import Generators
import PropertyKit

/// Readable renderings of a counterexample, shared by `lockstep replay` (text) and
/// `lockstep report` (one self-contained HTML page, no external resources).
public enum CounterexampleRendering {
    /// The input as text: block env, accounts (code disassembled, storage), decoded txs.
    public static func text(_ input: BlockInput) -> [String] {
        var out: [String] = []
        let b = input.block
        out.append("Block: fork \(input.fork) number \(b.number) timestamp \(b.timestamp) gasLimit \(b.gasLimit) baseFee \(b.baseFee.decimalString) coinbase \(b.coinbase)")
        let used = Set(input.transactions.flatMap { [$0.sender] + ($0.transaction.to.map { [$0] } ?? []) } + [b.coinbase])
        let all = input.pre.accounts.count <= 20
        out.append(all ? "Pre-state (\(input.pre.accounts.count) accounts):"
                       : "Pre-state accounts the transactions name (of \(input.pre.accounts.count)):")
        for a in input.pre.accounts.keys.sorted() where all || used.contains(a) {
            let acct = input.pre.accounts[a]!
            out.append("  \(a) nonce \(acct.nonce) balance \(acct.balance.decimalString)")
            for (k, v) in (input.pre.storage[a] ?? [:]).sorted(by: { $0.key < $1.key }).prefix(12) {
                out.append("    storage \(k) = \(v)")
            }
            if acct.hasCode {
                out.append("    code:")
                for line in Disassembler.render(input.pre.code(hash: acct.codeHash).bytes, fork: input.fork) { out.append("      " + line) }
            }
        }
        out.append("Transactions:")
        for (i, t) in input.transactions.enumerated() { out.append("  " + describe(i, t)) }
        return out
    }

    public static func describe(_ i: Int, _ rtx: RecoveredTransaction) -> String {
        let t = rtx.transaction
        var s = "T\(i) \(t.type) from \(rtx.sender) nonce \(t.nonce) "
        s += t.to.map { "to \($0)" } ?? "create"
        s += " value \(t.value.decimalString) gasLimit \(t.gasLimit)"
        if t.type.hasDynamicFee { s += " maxFee \(t.maxFeePerGas.decimalString) tip \(t.maxPriorityFeePerGas.decimalString)" } else { s += " gasPrice \(t.gasPrice.decimalString)" }
        if !t.data.isEmpty { s += " data \(Hex.encodePrefixed(t.data))" }
        return s
    }

    static func esc(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }

    /// The auditor's page. `replayed` is the difference seen when re-running now (nil = fixed).
    public static func html(_ file: CounterexampleFile, input: BlockInput, trace: ScheduleTrace?, replayed: ResultDifference?) -> String {
        let d = file.firstDifference
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(esc(file.property)) counterexample \(esc(file.contentHash))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222} pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:12px}
            table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;font-family:monospace;font-size:12px}
            .diff{background:#ffd7d7;font-weight:bold} .side{display:flex;gap:1em} .side>div{flex:1;min-width:0}
            .status{padding:.3em .6em;border-radius:4px;display:inline-block} .repro{background:#ffd7d7} .fixed{background:#d7ffd9}
            </style></head><body>
            <h1>Property <code>\(esc(file.property))</code> failed</h1>
            <p>Variant <code>\(esc(file.variant))</code> · fork \(esc(file.fork)) · run seed \(esc(file.seeds.run)) · block seed \(esc(file.seeds.block))\(file.seeds.schedule.map { " · schedule seed " + esc($0) } ?? "") · tool \(esc(file.toolVersion))</p>
            <p>Shrunk from \(file.unshrunkTransactions) to \(file.input.transactions.count) transactions in \(file.shrinkSteps) steps, after \(file.casesRun) cases.</p>
            <p>Replayed now: \(replayed.map { "<span class=\"status repro\">reproduces — " + esc($0.description) + "</span>" } ?? "<span class=\"status fixed\">fixed (the property holds)</span>")</p>
            <h2>First difference</h2>
            <table id="first-difference"><tr><th>field</th><th>expected</th><th>actual</th></tr>
            <tr class="diff"><td>\(esc(d.field))</td><td>\(esc(d.expected))</td><td>\(esc(d.actual))</td></tr></table>
            <h2>Expected vs actual</h2>
            <div class="side">\(side("Expected", file.expected, other: file.actual))\(side("Actual", file.actual, other: file.expected))</div>

            """
        if let trace { h += gantt(trace, transactions: input.transactions.count) }
        h += "<h2>Input</h2><pre>\(esc(text(input).joined(separator: "\n")))</pre>\n</body></html>\n"
        return h
    }

    static func side(_ title: String, _ s: ResultSide, other: ResultSide) -> String {
        var rows = "<tr\(s.stateRoot != other.stateRoot ? " class=\"diff\"" : "")><td>state root</td><td>\(esc(s.stateRoot.isEmpty ? "—" : s.stateRoot))</td></tr>"
        for (k, v) in s.values.sorted(by: { $0.key < $1.key }) {
            rows += "<tr\(other.values[k] != v ? " class=\"diff\"" : "")><td>\(esc(k))</td><td>\(esc(v))</td></tr>"
        }
        for (i, r) in s.receipts.enumerated() {
            let differs = i >= other.receipts.count || other.receipts[i] != r
            rows += "<tr\(differs && !other.receipts.isEmpty ? " class=\"diff\"" : "")><td>receipt</td><td>\(esc(r))</td></tr>"
        }
        return "<div><h3>\(title)</h3><table>\(rows)</table></div>"
    }

    /// An SVG timeline: one lane per worker, one box per execution (blue), validation (green)
    /// or aborted validation (red), in step order; re-executions show their incarnation.
    static func gantt(_ trace: ScheduleTrace, transactions: Int) -> String {
        struct Box { var worker: Int; var start: Int; var end: Int; var label: String; var color: String }
        var boxes: [Box] = []
        var open: [Int: (start: Int, tx: Int, inc: Int)] = [:]
        for (i, s) in trace.steps.enumerated() {
            switch s.action {
            case .fetch: continue
            case .execute: open[s.worker] = (i, s.tx, s.incarnation)
            case .record:
                let st = open[s.worker]?.start ?? i
                open[s.worker] = nil
                boxes.append(Box(worker: s.worker, start: st, end: i + 1, label: "T\(s.tx).\(s.incarnation)",
                                 color: s.incarnation > 0 ? "#8e6bd6" : "#4a8fe0"))
            case .validate:
                boxes.append(Box(worker: s.worker, start: i, end: i + 1, label: "v\(s.tx)\(s.aborted ? "✗" : "")",
                                 color: s.aborted ? "#e0524a" : "#52b45e"))
            }
        }
        let steps = max(1, trace.steps.count)
        let width = min(4000, max(600, steps * 6)), lane = 28, left = 50
        let scale = Double(width - left - 10) / Double(steps)
        let height = trace.workers * lane + 40
        var svg = "<h2>Schedule</h2><p>\(trace.workers) workers, \(trace.steps.count) steps, abort bias \(trace.abortBias). Blue: execution (purple: re-execution), green: validation, red: validation that aborted.</p>"
        svg += "<svg id=\"schedule\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"monospace\" font-size=\"9\">"
        for w in 0..<trace.workers {
            svg += "<text x=\"4\" y=\"\(w * lane + 18)\">W\(w)</text><line x1=\"\(left)\" y1=\"\(w * lane + 24)\" x2=\"\(width)\" y2=\"\(w * lane + 24)\" stroke=\"#ddd\"/>"
        }
        for b in boxes {
            let x = Double(left) + Double(b.start) * scale
            let wd = max(2, Double(b.end - b.start) * scale)
            svg += "<rect x=\"\(fmt(x))\" y=\"\(b.worker * lane + 4)\" width=\"\(fmt(wd))\" height=\"20\" fill=\"\(b.color)\"><title>\(esc(b.label)) steps \(b.start)–\(b.end)</title></rect>"
            if wd > 22 { svg += "<text x=\"\(fmt(x + 2))\" y=\"\(b.worker * lane + 17)\" fill=\"#fff\">\(esc(b.label))</text>" }
        }
        svg += "<text x=\"\(left)\" y=\"\(height - 6)\">step 0</text><text x=\"\(width - 60)\" y=\"\(height - 6)\">step \(steps)</text></svg>\n"
        return svg
    }

    static func fmt(_ v: Double) -> String { String(Int((v * 10).rounded())) .withDecimal }
}

private extension String {
    /// "123" (tenths) → "12.3".
    var withDecimal: String {
        let n = Int(self) ?? 0
        return "\(n / 10).\(abs(n % 10))"
    }
}
