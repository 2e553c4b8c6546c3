using System.Management.Automation;

namespace IdSync.PowerShell;

// A failed idsync_* call: its status code, the library's message, and what maps them to a
// PowerShell ErrorRecord with a stable error id and category.
public sealed class IdSyncException : Exception
{
    public int Code { get; }

    public IdSyncException(int code, string message) : base(message) => Code = code;

    // Stable error ids: scripts may match $_.FullyQualifiedErrorId against them.
    public string ErrorId => Code switch
    {
        1 => "IdSyncInvalidArgument",
        2 => "IdSyncNotFound",
        3 => "IdSyncParseError",
        4 => "IdSyncIoError",
        5 => "IdSyncBusy",
        6 => "IdSyncStoreError",
        7 => "IdSyncConnectorError",
        8 => "IdSyncStopped",
        _ => "IdSyncInternalError",
    };

    public ErrorCategory Category => Code switch
    {
        1 => ErrorCategory.InvalidArgument,
        2 => ErrorCategory.ObjectNotFound,
        3 => ErrorCategory.ParserError,
        4 => ErrorCategory.WriteError,
        5 => ErrorCategory.ResourceBusy,
        6 => ErrorCategory.InvalidData,
        7 => ErrorCategory.ConnectionError,
        8 => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };

    public ErrorRecord ToErrorRecord(object? target) => new(this, ErrorId, Category, target);
}
