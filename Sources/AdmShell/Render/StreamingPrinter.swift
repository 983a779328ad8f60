import AdmAPI

/// Prints the pages of `--all` as they arrive: the table with the first page's column widths,
/// a selection applied page by page, or JSON lines.
struct StreamingPrinter {
    let renderer: Renderer
    let console: Console
    let output: OutputMode
    let selection: JSONPath?
    var columns: [Column]?
    var widths: [Int]?

    init(renderer: Renderer, console: Console, output: OutputMode, selection: JSONPath?) {
        self.renderer = renderer
        self.console = console
        self.output = output
        self.selection = selection
    }

    mutating func page(_ json: JSON) {
        let items = json["data"]?.arrayValue ?? []
        switch output {
        case .quiet, .csv:
            return
        case .json, .raw:
            for item in items { console.say(item.serialized()) }
            return
        case .auto:
            break
        }
        if let selection {
            if let first = selection.components.first, first == .key("data") {
                if let v = selection.lookup(json) {
                    for line in renderer.lines(for: v) { console.say(line) }
                }
            }
            return
        }
        if json["object"]?.stringValue == "page" {
            for line in renderer.usageRows(items) { console.say(line) }
            return
        }
        guard !items.isEmpty else { return }
        if renderer.layout.records {
            // One block per item, pages one after another as one list.
            if columns != nil { console.say("") }
            columns = columns ?? Columns.forItems(items)
            for line in Table.render(items: items, columns: columns!, style: renderer.style, layout: renderer.layout) { console.say(line) }
            return
        }
        let header = columns == nil
        if columns == nil {
            columns = Columns.forItems(items)
            widths = Table.widths(items: items, columns: columns!)
            if let fit = renderer.layout.fit {
                let cells = items.map { item in columns!.map { $0.cell(item) } }
                widths = Table.fitted(widths!, cells: cells, columns: columns!, in: fit)
            }
        }
        for line in Table.render(items: items, columns: columns!, style: renderer.style, widths: widths, header: header) {
            console.say(line)
        }
    }

    func finish(total: Int, pages: Int) {
        guard output == .auto, selection == nil else { return }
        console.say(renderer.pagesLine(items: total, pages: pages, truncated: total > CallRunner.allCap))
    }
}
