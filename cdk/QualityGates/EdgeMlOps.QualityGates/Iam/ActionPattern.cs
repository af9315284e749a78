using System.Text.RegularExpressions;

namespace EdgeMlOps.QualityGates.Iam;

/// <summary>IAM action matching: case-insensitive, with <c>*</c> and <c>?</c> wildcards in the granted action.</summary>
public static class ActionPattern
{
    public static bool Matches(string granted, string action) =>
        Regex.IsMatch(action, "^" + Regex.Escape(granted).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
