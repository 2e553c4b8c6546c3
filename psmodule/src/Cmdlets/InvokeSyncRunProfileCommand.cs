using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Invoke-SyncRunProfile -ConnectorName -RunProfileName: runs one run profile ("Full Import",
// "Delta Synchronization", "Export", ...) and returns its run history record. A run that ends
// in a stopped-* state returns its record and an IdSyncStopped error. In staging mode an
// Export is refused unless -ForceExport.
[Cmdlet(VerbsLifecycle.Invoke, "SyncRunProfile", SupportsShouldProcess = true)]
[Alias("Invoke-ADSyncRunProfile")]
[OutputType(typeof(RunProfileResult))]
public sealed class InvokeSyncRunProfileCommand : IdSyncCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? ConnectorName { get; set; }

    [Parameter] public string? ConnectorIdentifier { get; set; }

    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(RunProfileNameCompleter))]
    public string RunProfileName { get; set; } = "";

    // Export even though the server is in staging mode (an explicit administrator decision).
    [Parameter] public SwitchParameter ForceExport { get; set; }

    protected override void ProcessRecord()
    {
        string connector = ResolveConnector(ConnectorName, ConnectorIdentifier);
        if (!ShouldProcess(connector, $"Run profile '{RunProfileName}'")) return;
        var ids = ConnectorIds();
        var (json, error) = RunWithProgress($"{RunProfileName} on {connector}",
            progress => Server.RunProfile(connector, RunProfileName, ForceExport, progress));
        if (json is not null) WriteObject(RunProfileResult.FromJson(Json.Parse(json), ids));
        if (error is null) return;
        var record = error.ToErrorRecord($"{connector}/{RunProfileName}");
        if (json is null) ThrowTerminatingError(record);
        WriteError(record);
    }
}
