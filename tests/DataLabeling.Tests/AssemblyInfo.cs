using Xunit;

// The jsii kernel behind the CDK is not safe for concurrent use; the template and execution fixtures both synthesize.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
