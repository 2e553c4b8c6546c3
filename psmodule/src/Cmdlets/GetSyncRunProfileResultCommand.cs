using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncRunProfileResult: run history, newest first, with Get-ADSyncRunProfileResult's fields.
// Filter by -RunHistoryId, -ConnectorName / -ConnectorId, -Result; -NumberRequested caps the
// count (default 100).
[Cmdlet(VerbsCommon.Get, "SyncRunProfileResult")]
[Alias("Get-ADSyncRunProfileResult")]
[OutputType(typeof(RunProfileResult))]
public sealed class GetSyncRunProfileResultCommand : IdSyncCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long RunHistoryId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectorNameCompleter))]
    public string? ConnectorName { get; set; }

    [Parameter] public string? ConnectorId { get; set; }

    // A run result: success, completed-export-errors, stopped-deletion-threshold-exceeded, ...
    [Parameter] public string? Result { get; set; }

    [Parameter] [ValidateRange(1, int.MaxValue)] public int NumberRequested { get; set; } = 100;

    // Accepted for ADSync scripts: the step results are always included.
    [Parameter] public SwitchParameter RunStepDetails { get; set; }

    protected override void ProcessRecord()
    {
        string? connector = ConnectorName is null && ConnectorId is null ? null : ResolveConnector(ConnectorName, ConnectorId);
        var ids = ConnectorIds();
        string json = Call(() => Server.RunHistory(connector, Result, RunHistoryId, NumberRequested), connector ?? StorePath);
        foreach (var run in Json.Array(Json.Parse(json))) WriteObject(RunProfileResult.FromJson(run, ids));
    }
}
