using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace IdSync.PowerShell;

// Reading the library's JSON documents: tolerant of absent fields (null / default), strict
// about nothing else — the shapes are the ones idsync.h documents.
internal static class Json
{
    public static JsonNode Parse(string text) =>
        JsonNode.Parse(text) ?? throw new IdSyncException(9, "the library returned an empty JSON document");

    public static string Str(JsonNode? n, string key) => n?[key] is JsonValue v && v.TryGetValue(out string? s) ? s : "";
    public static long Long(JsonNode? n, string key) => n?[key] is JsonValue v && v.TryGetValue(out long l) ? l : 0;
    public static ulong ULong(JsonNode? n, string key) => n?[key] is JsonValue v && v.TryGetValue(out ulong l) ? l : 0;
    public static double Double(JsonNode? n, string key) => n?[key] is JsonValue v && v.TryGetValue(out double d) ? d : 0;
    public static bool Bool(JsonNode? n, string key) => n?[key] is JsonValue v && v.TryGetValue(out bool b) && b;

    public static IEnumerable<JsonNode> Array(JsonNode? n, string? key = null)
    {
        JsonNode? a = key is null ? n : n?[key];
        if (a is not JsonArray array) yield break;
        foreach (JsonNode? item in array)
            if (item is not null) yield return item;
    }

    public static string[] Strings(JsonNode? n, string key) =>
        Array(n, key).Select(v => v is JsonValue s && s.TryGetValue(out string? t) ? t : v.ToJsonString()).ToArray();

    // {"attr": ["v1", "v2"], ...} → a case-insensitive hashtable of string arrays.
    public static Hashtable Attributes(JsonNode? n, string key)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        if (n?[key] is JsonObject obj)
            foreach (var (name, values) in obj)
                table[name] = values is JsonArray ? Strings(obj, name) : new[] { values?.ToString() ?? "" };
        return table;
    }

    public static DateTime FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;

    public static DateTime Utc(string text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
            out DateTime t) ? t : DateTime.MinValue;

    public static TimeSpan Span(string text) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan t) ? t : TimeSpan.Zero;

    // A TimeSpan as the library writes it: "HH:MM:SS" or "D.HH:MM:SS".
    public static string SpanText(TimeSpan t) =>
        t.Days > 0 ? $"{t.Days}.{t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}";

    // The 64-bit object ids of the store as the GUIDs csexport shows: {00000000-0000-0000-XXXX-XXXXXXXXXXXX}.
    public static Guid IdGuid(ulong id)
    {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; ++i) b[8 + i] = (byte)(id >> (56 - 8 * i));
        return new Guid(b, bigEndian: true);
    }

    public static ulong IdOf(Guid g)
    {
        byte[] b = g.ToByteArray(bigEndian: true);
        ulong id = 0;
        for (int i = 0; i < 8; ++i)
        {
            if (b[i] != 0) return 0;
            id = (id << 8) | b[8 + i];
        }
        return id;
    }
}
