import DltafJSON
import DltafLoad

/// The statement a unit runs: a catalog table's `SELECT` of its reflected columns, or a named query with its
/// parameters bound; for an incremental unit, bounded by the cursor (`>=` the last value, `<` the end value) and
/// ordered by it.
struct UnitStatement {
    var statement: SourceStatement
    /// The reflected columns of a catalog table (empty for a query: its cursor says).
    var columns: [SourceColumn]
    /// Whether `columns` came from reflection.
    var reflected: Bool
    /// The table's own primary key (catalog).
    var primaryKey: [String]

    static func make(_ unit: SQLDBUnit, source: any SQLSource, state: JSONValue?)
        throws(SQLDBUnitResult.Failure) -> UnitStatement
    {
        switch unit.origin {
        case .table(let schema, let name):
            let described: SourceTable?
            do {
                described = try source.describe(table: name, schema: schema)
            } catch {
                throw SQLDBUnitResult.Failure(error, unit: unit)
            }
            guard let table = described else {
                throw SQLDBUnitResult.Failure(
                    SQLSourceError(.missingTable, "the table does not exist in the source"), unit: unit)
            }
            let qualified = (schema ?? source.defaultSchema).map { source.quote($0) + "." } ?? ""
            let select =
                "SELECT \(table.columns.map(source.selectExpression).joined(separator: ", ")) FROM "
                + qualified + source.quote(name)
            let types = Dictionary(table.columns.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
            let statement = try bounded(
                select, parameters: [], unit: unit, source: source, state: state,
                cursorType: unit.incremental.flatMap { types[$0.column] ?? nil }, wrap: false)
            return UnitStatement(
                statement: statement, columns: table.columns, reflected: true, primaryKey: table.primaryKey)
        case .query(let query):
            let bound: SourceStatement
            do {
                bound = try NamedParameters.bind(
                    query.sql.trimmingTrailingSemicolons(), values: query.parameters.mapValues(SQLParameter.init),
                    placeholder: source.placeholder,
                    reusable: source.placeholder(1) != source.placeholder(2))
            } catch {
                throw SQLDBUnitResult.Failure(
                    config: "the SQL uses :\(error.name), which params does not give", unit: unit,
                    code: "parameter_missing")
            }
            let statement = try bounded(
                bound.sql, parameters: bound.parameters, unit: unit, source: source, state: state, cursorType: nil,
                wrap: true)
            return UnitStatement(statement: statement, columns: [], reflected: false, primaryKey: query.primaryKey)
        }
    }

    /// `sql` with the cursor bounds of an incremental unit (a query is wrapped as a subquery first).
    private static func bounded(
        _ sql: String, parameters: [SQLParameter], unit: SQLDBUnit, source: any SQLSource, state: JSONValue?,
        cursorType: DataType?, wrap: Bool
    ) throws(SQLDBUnitResult.Failure) -> SourceStatement {
        guard let incremental = unit.incremental else { return SourceStatement(sql: sql, parameters: parameters) }
        var text = wrap ? "SELECT * FROM (\(sql)) AS dltaf_incremental" : sql
        var values = parameters
        let column = CursorSQL.expression(source.quote(incremental.column), dialect: source.dialect, type: cursorType)
        var conditions: [String] = []
        let lower = (state?["last_value"]).flatMap { $0 == .null ? nil : $0 } ?? incremental.initialValue
        for (bound, comparison) in [(lower, ">="), (incremental.endValue, "<")] {
            guard let bound else { continue }
            values.append(CursorSQL.parameter(bound, dialect: source.dialect, type: cursorType))
            let placeholder = CursorSQL.expression(
                source.placeholder(values.count), dialect: source.dialect, type: cursorType)
            conditions.append("\(column) \(comparison) \(placeholder)")
        }
        if !conditions.isEmpty { text += " WHERE " + conditions.joined(separator: " AND ") }
        text += " ORDER BY \(column)"
        return SourceStatement(sql: text, parameters: values)
    }
}

/// Dialect details of cursor comparisons: SQLite keeps timestamps as text in whatever form was written, so both
/// sides go through `strftime`; MariaDB takes `YYYY-MM-DD HH:MM:SS`, not RFC 3339's `T` and `Z`.
enum CursorSQL {
    static func expression(_ operand: String, dialect: String, type: DataType?) -> String {
        guard dialect == "sqlite", type == .timestamp else { return operand }
        return "strftime('%Y-%m-%d %H:%M:%f', \(operand))"
    }

    static func parameter(_ value: JSONValue, dialect: String, type: DataType?) -> SQLParameter {
        guard dialect == "mysql", case .string(let text) = value, text.count >= 19 else { return SQLParameter(value) }
        var plain = text.replacing("T", with: " ")
        if plain.hasSuffix("Z") { plain.removeLast() }
        return .text(plain)
    }
}

extension String {
    /// Without the `;` (and blanks) a query file often ends with, so it can be wrapped.
    fileprivate func trimmingTrailingSemicolons() -> String {
        var text = Substring(self)
        while let last = text.last, last == ";" || last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
