using EdgeMlOps.Contracts;
using EdgeMlOps.Labeling.Common;

namespace EdgeMlOps.Labeling.FindUnlabeledImages;

/// <summary>
/// Reads the Athena result of the latest-label query: a CSV whose first column is <c>source_ref</c>, one row per
/// image whose latest label is APPROVED. Rows that are not S3 URIs are counted and ignored.
/// </summary>
public static class LabelHistory
{
    public static IReadOnlySet<string> ReadApprovedSourceRefs(TextReader csv, SkipTally skipped)
    {
        var approved = new HashSet<string>(StringComparer.Ordinal);
        var first = true;
        foreach (var row in CsvLines.Parse(csv))
        {
            if (first)
            {
                first = false;
                if (row.Count > 0 && row[0] == LabelFeatures.SourceRef)
                {
                    continue;
                }
            }

            if (row.Count == 0 || !S3Uri.TryParse(row[0], out _))
            {
                skipped.Add(row.Count == 0 ? "" : row[0], SkipReasons.MalformedLabelHistoryRow, "first column is not an s3:// URI");
                continue;
            }

            approved.Add(row[0]);
        }

        return approved;
    }
}
