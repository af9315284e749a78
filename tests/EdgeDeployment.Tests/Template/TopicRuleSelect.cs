using System.Text.RegularExpressions;

namespace EdgeDeployment.Tests.Template;

/// <summary>
/// Whether an IoT rule's SQL stores whatever the device sends: a <c>*</c> (or <c>x.*</c>) among the selected columns
/// lets the publisher decide the stored item's fields and size.
/// </summary>
public static partial class TopicRuleSelect
{
    public static bool SelectsEverything(string sql)
    {
        var select = Columns().Match(sql);
        return !select.Success || select.Groups["columns"].Value.Split(',').Select(c => c.Trim()).Any(c => c == "*" || c.EndsWith(".*", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\s*SELECT\s+(?<columns>.+?)\s+FROM\s", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Columns();
}
