using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// Get-SyncExportDeletionThreshold: the fields of Get-ADSyncExportDeletionThreshold.
// DeletionPrevention is Disabled, EnabledForCount (more than ThresholdCount deletes per connector
// and export run stop the export) or EnabledForPercentage (more than ThresholdPercentage percent
// of the connector space objects). The value not in force is kept for a later Enable.
public sealed record ExportDeletionThreshold(string DeletionPrevention, uint ThresholdPercentage, ulong ThresholdCount)
{
    internal static ExportDeletionThreshold FromJson(JsonNode j) =>
        new(Json.Str(j, "DeletionPrevention"), (uint)Json.ULong(j, "ThresholdPercentage"), Json.ULong(j, "ThresholdCount"));
}

// Get-SyncGroupMemberRemovalLimit: IdSync's own limit on the members one export run may remove
// from one group: more than ThresholdCount, or, for groups of at least MinimumGroupSize members,
// more than ThresholdPercentage percent of them (0 = that part off).
public sealed record GroupMemberRemovalLimit(bool Enabled, ulong ThresholdCount, uint ThresholdPercentage, ulong MinimumGroupSize)
{
    internal static GroupMemberRemovalLimit FromJson(JsonNode j) =>
        new(Json.Bool(j, "Enabled"), Json.ULong(j, "ThresholdCount"), (uint)Json.ULong(j, "ThresholdPercentage"),
            Json.ULong(j, "MinimumGroupSize"));
}
