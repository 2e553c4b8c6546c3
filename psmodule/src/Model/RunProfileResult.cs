using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// One run history record, with the property names of Get-ADSyncRunProfileResult.
public sealed class RunProfileResult
{
    public long RunHistoryId { get; init; }
    public string ConnectorId { get; init; } = "";
    public string ConnectorName { get; init; } = "";
    public string RunProfileName { get; init; } = "";
    public long RunNumber { get; init; }
    public string Result { get; init; } = "";
    public bool IsRunComplete { get; init; } = true;  // records are written when a run ends
    public int CurrentStepNumber { get; init; }
    public int TotalSteps { get; init; }
    public DateTime StartDate { get; init; }
    public DateTime EndDate { get; init; }
    public RunStepResult[] RunStepResults { get; init; } = [];

    public override string ToString() => $"{ConnectorName} {RunProfileName}: {Result}";

    internal static RunProfileResult FromJson(JsonNode run, IReadOnlyDictionary<string, string>? connectorIds = null)
    {
        string connector = Json.Str(run, "connector");
        long id = Json.Long(run, "runId");
        var steps = Json.Array(run, "steps").Select(s => RunStepResult.FromJson(s, id)).ToArray();
        return new RunProfileResult
        {
            RunHistoryId = id,
            ConnectorId = connectorIds is not null && connectorIds.TryGetValue(connector, out string? cid) ? cid : "",
            ConnectorName = connector,
            RunProfileName = Json.Str(run, "runProfile"),
            RunNumber = Json.Long(run, "runNumber"),
            Result = Json.Str(run, "result"),
            CurrentStepNumber = steps.Length,
            TotalSteps = steps.Length,
            StartDate = Json.FromUnixMs(Json.Long(run, "startMs")),
            EndDate = Json.FromUnixMs(Json.Long(run, "endMs")),
            RunStepResults = steps,
        };
    }
}

// One step of a run: its result and the counters (stage-add → StageAdd, ...).
public sealed class RunStepResult
{
    public long RunHistoryId { get; init; }
    public int StepNumber { get; init; }
    public string StepType { get; init; } = "";
    public string StepResult { get; init; } = "";
    public double Seconds { get; init; }
    public ulong ErrorCount { get; init; }
    public ulong StageNoChange => Counter("stage-no-change");
    public ulong StageAdd => Counter("stage-add");
    public ulong StageUpdate => Counter("stage-update");
    public ulong StageRename => Counter("stage-rename");
    public ulong StageDelete => Counter("stage-delete");
    public ulong StageDeleteAdd => Counter("stage-delete-add");
    public ulong StageFailure => Counter("stage-failure");
    public ulong ConnectorFlow => Counter("connector-flow");
    public ulong DisconnectorFiltered => Counter("disconnector-filtered");
    public ulong Joined => Counter("joined");
    public ulong Projected => Counter("projected");
    public ulong Provisioned => Counter("provisioned");
    public ulong Deprovisioned => Counter("deprovisioned");
    public ulong ExportAdd => Counter("export-add");
    public ulong ExportUpdate => Counter("export-update");
    public ulong ExportRename => Counter("export-rename");
    public ulong ExportDelete => Counter("export-delete");
    public ulong ExportFailure => Counter("export-failure");
    public ulong ExportedChangeNotReimported => Counter("exported-change-not-reimported");
    // Every counter of the step under the engine's name ("stage-add", "mv-updated", ...).
    public IReadOnlyDictionary<string, ulong> Counters { get; init; } = new Dictionary<string, ulong>();
    public RunStepError[] Errors { get; init; } = [];

    public override string ToString() => $"{StepNumber} {StepType}: {StepResult}";

    private ulong Counter(string name) => Counters.TryGetValue(name, out ulong v) ? v : 0;

    internal static RunStepResult FromJson(JsonNode step, long runId)
    {
        var counters = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase);
        if (step["counters"] is JsonObject c)
            foreach (var (name, _) in c) counters[name] = Json.ULong(c, name);
        return new RunStepResult
        {
            RunHistoryId = runId,
            StepNumber = (int)Json.Long(step, "stepNumber"),
            StepType = Json.Str(step, "stepType"),
            StepResult = Json.Str(step, "result"),
            Seconds = Json.Double(step, "seconds"),
            ErrorCount = Json.ULong(step, "errorCount"),
            Counters = counters,
            Errors = Json.Array(step, "errors")
                .Select(e => new RunStepError(Json.Str(e, "dn"), Json.Str(e, "errorType"), Json.Str(e, "message"))).ToArray(),
        };
    }
}

public sealed record RunStepError(string DistinguishedName, string ErrorType, string Message);
