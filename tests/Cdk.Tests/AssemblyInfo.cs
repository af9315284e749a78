// The jsii kernel behind the CDK is one Node process per test process and is not thread-safe:
// test classes that synthesize must not run side by side.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
