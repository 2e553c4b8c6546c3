using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncPendingExport: what the next export would send, as the export analyzer's rows (one per
// changed attribute: OMODT / AMODT, value counts, old and new values). Pipe to Export-Csv to get
// the analyzer's CSV.
[Cmdlet(VerbsCommon.Get, "SyncPendingExport")]
[OutputType(typeof(PendingExportRow))]
public sealed class GetSyncPendingExportCommand : IdSyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string ConnectorName { get; set; } = "";

    protected override void ProcessRecord()
    {
        TryCall(() =>
        {
            var rows = Csv.Parse(Server.PendingExports(ConnectorName));
            foreach (var row in rows.Skip(1)) WriteObject(PendingExportRow.FromCells(row));
        }, ConnectorName);
    }
}
