using Microsoft.Win32.SafeHandles;

namespace IdSync.PowerShell.Native;

// An idsync_server*: closed with idsync_close when released (also after a failed open, whose
// handle carries the error message).
internal sealed class ServerHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ServerHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        NativeMethods.idsync_close(handle);
        return true;
    }
}
