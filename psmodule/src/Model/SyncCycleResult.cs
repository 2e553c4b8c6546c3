using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// What Start-SyncCycle returns: Result is "Success" (as Start-ADSyncSyncCycle's), "Failed" when
// a run stopped, "Stopped" after Stop-SyncCycle; the runs of the cycle follow.
public sealed class SyncCycleResult
{
    public string Result { get; init; } = "";
    public string PolicyType { get; init; } = "";
    public RunProfileResult[] RunResults { get; init; } = [];

    internal static SyncCycleResult FromJson(JsonNode cycle, IReadOnlyDictionary<string, string>? connectorIds) => new()
    {
        Result = Json.Str(cycle, "result"),
        PolicyType = Json.Str(cycle, "policy"),
        RunResults = Json.Array(cycle, "runs").Select(r => RunProfileResult.FromJson(r, connectorIds)).ToArray(),
    };
}
