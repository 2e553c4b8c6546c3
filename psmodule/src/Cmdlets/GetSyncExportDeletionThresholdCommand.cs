using System.Management.Automation;

namespace IdSync.PowerShell.Cmdlets;

// Get-SyncExportDeletionThreshold: prevention of accidental deletes (Get-ADSyncExportDeletionThreshold).
[Cmdlet(VerbsCommon.Get, "SyncExportDeletionThreshold")]
[Alias("Get-ADSyncExportDeletionThreshold")]
[OutputType(typeof(ExportDeletionThreshold))]
public sealed class GetSyncExportDeletionThresholdCommand : IdSyncCmdlet
{
    // Accepted for ADSync scripts; the threshold is a setting of this store, no cloud sign-in is needed.
    [Parameter] public PSCredential? AADCredential { get; set; }

    protected override void EndProcessing() => WriteObject(Call(() => Current(this), StorePath));

    internal static ExportDeletionThreshold Current(IdSyncCmdlet cmdlet) =>
        ExportDeletionThreshold.FromJson(Json.Parse(cmdlet.Server.DeletionThresholdSettings()));
}
