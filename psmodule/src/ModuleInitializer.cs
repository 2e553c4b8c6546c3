using System.Management.Automation;
using IdSync.PowerShell.Native;

namespace IdSync.PowerShell;

// Import-Module IdSync: make libidsync.so resolvable before the first cmdlet runs.
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    public void OnImport() => NativeMethods.RegisterResolver();
}
