namespace EdgeMlOps.Labeling.Common;

/// <summary>Outcome of a label: APPROVED labels are training data, REJECTED ones are kept for audit and re-labeling.</summary>
public enum LabelStatus
{
    Approved,
    Rejected,
}

public static class LabelStatusText
{
    public const string Approved = "APPROVED";
    public const string Rejected = "REJECTED";

    public static string ToText(this LabelStatus status) => status switch
    {
        LabelStatus.Approved => Approved,
        LabelStatus.Rejected => Rejected,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown label status"),
    };

    public static LabelStatus Parse(string text) => text switch
    {
        Approved => LabelStatus.Approved,
        Rejected => LabelStatus.Rejected,
        _ => throw new FormatException($"label status must be {Approved} or {Rejected}, got '{text}'"),
    };
}
