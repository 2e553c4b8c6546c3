using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using IdSync.PowerShell.Native;

namespace IdSync.PowerShell;

// Tab completion of connector and run profile names, read from the store that -Store (or
// $env:IDSYNC_STORE) names. A store that cannot be opened completes nothing.
internal static class CompletionSource
{
    public static IEnumerable<(string Name, string[] Profiles)> Connectors(IDictionary bound)
    {
        string? store = bound["Store"] as string ?? Environment.GetEnvironmentVariable("IDSYNC_STORE");
        if (string.IsNullOrEmpty(store)) return [];
        try
        {
            using IdSyncServer server = IdSyncServer.Open(store);
            return Json.Array(Json.Parse(server.Connectors()))
                .Select(c => (Json.Str(c, "name"), Json.Array(c, "runProfiles").Select(p => Json.Str(p, "name")).ToArray()))
                .ToList();
        }
        catch (Exception e) when (e is IdSyncException or DllNotFoundException)
        {
            return [];
        }
    }

    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> names, string word)
    {
        string prefix = word.Trim('\'', '"');
        foreach (string n in names)
            if (n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n);
    }
}

public sealed class ConnectorNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSource.Matching(CompletionSource.Connectors(fakeBoundParameters).Select(c => c.Name), wordToComplete);
}

public sealed class RunProfileNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string? connector = fakeBoundParameters["ConnectorName"] as string;
        var profiles = CompletionSource.Connectors(fakeBoundParameters)
            .Where(c => connector is null || string.Equals(c.Name, connector, StringComparison.OrdinalIgnoreCase))
            .SelectMany(c => c.Profiles).Distinct(StringComparer.OrdinalIgnoreCase);
        return CompletionSource.Matching(profiles, wordToComplete);
    }
}
