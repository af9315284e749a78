// The jsii kernel behind the CDK is not safe for concurrent use; template and execution tests both synthesize.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
