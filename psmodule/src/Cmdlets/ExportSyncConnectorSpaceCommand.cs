using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Export-SyncConnectorSpace: csexport. Writes a connector space to a new file in MIM's
// "Connector Space Export XML" format; never overwrites a file. -Filter takes csexport's /f:
// text (x = pending exports, s = disconnectors, d="DN", ...) and -Sections its /o: letters.
[Cmdlet(VerbsData.Export, "SyncConnectorSpace", SupportsShouldProcess = true)]
[OutputType(typeof(ConnectorSpaceExport))]
public sealed class ExportSyncConnectorSpaceCommand : IdSyncCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string ConnectorName { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)] public string Path { get; set; } = "";

    [Parameter] public string? Filter { get; set; }
    [Parameter] public string? Sections { get; set; }

    protected override void ProcessRecord()
    {
        string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(file, $"Export connector space '{ConnectorName}'")) return;
        TryCall(() =>
        {
            var stats = Json.Parse(Server.CsExport(ConnectorName, file, Filter, Sections));
            WriteObject(new ConnectorSpaceExport(ConnectorName, file, Json.ULong(stats, "examined"), Json.ULong(stats, "written")));
        }, file);
    }
}
