using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Remediator.IntegrationTests.Deployment;

/// <summary>
/// The configuration keys the engine reads, found in its assemblies (beside this test's, through the
/// ProjectReference): every property under an options class's <c>SectionName</c>, nested sections
/// and list items included, and every <c>const string ...Key = "Remediator:..."</c> read directly
/// (Remediator:Logging:Format). A deployment that sets anything else sets nothing.
/// </summary>
public static partial class ConfigurationKeys
{
    /// <summary>
    /// Keys the deployment sets for options another part of the work is still adding. Each entry
    /// must name its owner; remove it once the option exists. Empty: every key exists.
    /// </summary>
    public static readonly IReadOnlySet<string> Pending = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<IReadOnlyList<(string Key, Type Type)>> _known = new(Discover);

    /// <summary>Every key with the type it binds to (lists as <c>Key:0</c>, <c>Key:1</c>, ...).</summary>
    public static IReadOnlyList<(string Key, Type Type)> Known => _known.Value;

    /// <summary>
    /// The type a key binds to, or null when the engine does not read it. A list's items are
    /// <c>Key:0</c>, <c>Key:1</c>, ...; an item of a list of objects has properties of its own
    /// (<c>Remediator:Reconcile:Alertmanagers:0:Url</c>).
    /// </summary>
    public static Type? TypeOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var known = Known.FirstOrDefault(known => string.Equals(known.Key, key, StringComparison.OrdinalIgnoreCase)).Type;
        if (known is not null || ListItem().Match(key) is not { Success: true } item)
        {
            return known;
        }

        var list = Known.FirstOrDefault(known => string.Equals(known.Key, item.Groups["list"].Value, StringComparison.OrdinalIgnoreCase) && IsList(known.Type)).Type;
        if (list is null || !item.Groups["property"].Success)
        {
            return list;
        }

        var element = list.IsArray ? list.GetElementType()! : list.GetGenericArguments().Single();
        var properties = new List<(string Key, Type Type)>();
        AddProperties(element, "", properties, depth: 0);
        return properties.FirstOrDefault(p => string.Equals(p.Key, $":{item.Groups["property"].Value}", StringComparison.OrdinalIgnoreCase)).Type;
    }

    /// <summary>The configuration key of an environment variable (<c>Remediator__Bus__Transport</c> -> <c>Remediator:Bus:Transport</c>).</summary>
    public static string FromEnvironmentVariable(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    private static List<(string Key, Type Type)> Discover()
    {
        var keys = new List<(string, Type)>();
        foreach (var assembly in EngineAssemblies())
        {
            foreach (var type in assembly.GetTypes())
            {
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
                {
                    var value = (string)field.GetRawConstantValue()!;
                    if (field.Name == "SectionName" && value.StartsWith("Remediator:", StringComparison.Ordinal))
                    {
                        AddProperties(type, value, keys, depth: 0);
                    }
                    else if (field.Name.EndsWith("Key", StringComparison.Ordinal) && value.StartsWith("Remediator:", StringComparison.Ordinal))
                    {
                        keys.Add((value, typeof(string)));
                    }
                }
            }
        }

        return keys;
    }

    private static void AddProperties(Type type, string prefix, List<(string, Type)> keys, int depth)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(propertyType) || IsList(propertyType) || depth > 4)
            {
                keys.Add((key, propertyType));
            }
            else
            {
                AddProperties(propertyType, key, keys, depth + 1);
            }
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    private static bool IsList(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    /// <summary>The engine's own assemblies: the host (remediator.dll) and Remediator.*.dll, not the tests'.</summary>
    private static IEnumerable<Assembly> EngineAssemblies() =>
        Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(path => Path.GetFileName(path).StartsWith("remediator", StringComparison.OrdinalIgnoreCase)
                && !Path.GetFileName(path).Contains("Tests", StringComparison.OrdinalIgnoreCase))
            .Select(path => Assembly.LoadFrom(path));

    [GeneratedRegex("^(?<list>.+):[0-9]+(:(?<property>.+))?$")]
    private static partial Regex ListItem();
}
