namespace IdSync.PowerShell;

// Get-SyncPendingExport: one row of the export analyzer (one changed attribute of one object),
// with the analyzer's CSV column names, so `| Export-Csv` gives the analyzer's file.
public sealed class PendingExportRow
{
    public string ObjectType { get; init; } = "";
    public string DN { get; init; } = "";
    public string OMODT { get; init; } = "";
    public string ChangedAttrCount { get; init; } = "";
    public string AttrName { get; init; } = "";
    public string AMODT { get; init; } = "";
    public string ATYPE { get; init; } = "";
    public string IsMultiValued { get; init; } = "";
    public string ValueChangeCount { get; init; } = "";
    public string ValueAdds { get; init; } = "";
    public string ValueDeletes { get; init; } = "";
    public string OldValue { get; init; } = "";
    public string NewValue { get; init; } = "";

    internal static PendingExportRow FromCells(IReadOnlyList<string> c) => new()
    {
        ObjectType = c.ElementAtOrDefault(0) ?? "", DN = c.ElementAtOrDefault(1) ?? "", OMODT = c.ElementAtOrDefault(2) ?? "",
        ChangedAttrCount = c.ElementAtOrDefault(3) ?? "", AttrName = c.ElementAtOrDefault(4) ?? "", AMODT = c.ElementAtOrDefault(5) ?? "",
        ATYPE = c.ElementAtOrDefault(6) ?? "", IsMultiValued = c.ElementAtOrDefault(7) ?? "",
        ValueChangeCount = c.ElementAtOrDefault(8) ?? "", ValueAdds = c.ElementAtOrDefault(9) ?? "",
        ValueDeletes = c.ElementAtOrDefault(10) ?? "", OldValue = c.ElementAtOrDefault(11) ?? "", NewValue = c.ElementAtOrDefault(12) ?? "",
    };
}
