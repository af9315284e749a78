using System.Text.Json.Nodes;
using EdgeMlOps.Contracts;
using EdgeMlOps.EdgeDeployment.RenderModelRecipe;
using Xunit;

namespace EdgeDeployment.Tests.Workflow;

/// <summary>The lineage the release ledger takes from the model package metadata the training pipeline writes.</summary>
public sealed class ReleaseLineageTests
{
    [Fact]
    public void The_labeling_jobs_the_pipeline_names_become_the_ledgers_list()
    {
        var lineage = ReleaseLineage.From(new JsonObject { [ModelPackageMetadata.LabelingJobs] = "edgemlops-dev-20261203-label edgemlops-dev-20261201-label" });

        Assert.Equal(["edgemlops-dev-20261203-label", "edgemlops-dev-20261201-label"], lineage.LabelingJobs);
        Assert.Equal(["edgemlops-dev-20261203-label", "edgemlops-dev-20261201-label"], lineage.ToJson()[ReleaseLedgerSchema.LabelingJobs]!.AsArray().Select(j => j!["S"]!.GetValue<string>()));
    }

    [Fact]
    public void A_dataset_whose_labels_name_no_job_has_an_empty_list_not_a_job_called_none()
    {
        Assert.Empty(ReleaseLineage.From(new JsonObject { [ModelPackageMetadata.LabelingJobs] = ModelPackageMetadata.NoLabelingJobs }).LabelingJobs);
    }
}
