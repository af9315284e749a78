using System.Globalization;
using EdgeMlOps.Cdk.Shared.Configuration;

namespace EdgeMlOps.Cdk.DataLabeling;

/// <summary>
/// The labeling and verification jobs' workforce, fixed at synthesis from the configuration: the public (Mechanical
/// Turk) crowd with its content classifiers and task price, or the private workteam without either (Ground Truth
/// refuses a price for a private workteam). The ASL file holds the public form; a private workteam's synthesis omits
/// those fields, so the deployed definition has no runtime Choice on a constant.
/// </summary>
public sealed class LabelingWorkforce
{
    /// <summary>The AWS account that owns the public crowd's workteam in every region.</summary>
    public const string PublicWorkteamAccount = "394669845002";

    /// <summary>The states that start a Ground Truth job.</summary>
    public static readonly IReadOnlyList<string> JobStates = ["StartLabelingJob", "StartVerificationJob"];

    private LabelingWorkforce(string workteamArn, IReadOnlyDictionary<string, string> substitutions, IReadOnlyList<string> omittedFields)
    {
        WorkteamArn = workteamArn;
        Substitutions = substitutions;
        OmittedFields = omittedFields;
    }

    public string WorkteamArn { get; }

    /// <summary>The price placeholders (public crowd only).</summary>
    public IReadOnlyDictionary<string, string> Substitutions { get; }

    /// <summary>The public-only fields removed for a private workteam.</summary>
    public IReadOnlyList<string> OmittedFields { get; }

    public static LabelingWorkforce For(LabelingSettings labeling, string region)
    {
        if (!labeling.UsePublicWorkforce)
        {
            var omitted = JobStates
                .SelectMany(state => new[]
                {
                    $"States.{state}.Parameters.InputConfig.DataAttributes",
                    $"States.{state}.Parameters.HumanTaskConfig.PublicWorkforceTaskPrice",
                })
                .ToList();
            return new LabelingWorkforce(labeling.WorkteamArn!, new Dictionary<string, string>(), omitted);
        }

        var price = SplitPrice(labeling.PublicTaskPriceUsd ?? 0);
        return new LabelingWorkforce(
            $"arn:aws:sagemaker:{region}:{PublicWorkteamAccount}:workteam/public-crowd/default",
            new Dictionary<string, string>
            {
                ["PublicTaskPriceDollars"] = price.Dollars.ToString(CultureInfo.InvariantCulture),
                ["PublicTaskPriceCents"] = price.Cents.ToString(CultureInfo.InvariantCulture),
                ["PublicTaskPriceTenthsOfACent"] = price.TenthsOfACent.ToString(CultureInfo.InvariantCulture),
            },
            []);
    }

    /// <summary>A price in US dollars as Ground Truth's AmountInUsd wants it: dollars, cents, tenths of a cent.</summary>
    public static (int Dollars, int Cents, int TenthsOfACent) SplitPrice(double usd)
    {
        var tenths = (int)Math.Round(usd * 1000, MidpointRounding.AwayFromZero);
        return (tenths / 1000, tenths % 1000 / 10, tenths % 10);
    }
}
