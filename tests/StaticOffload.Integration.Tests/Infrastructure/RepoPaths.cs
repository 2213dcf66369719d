namespace StaticOffload.Tests.Infrastructure;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string S3ServerFolder => Path.Combine(Root, "tests", "s3-server");

    public static string Samples => Path.Combine(Root, "samples");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StaticOffload.Build.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StaticOffload.Build.sln not found above " + AppContext.BaseDirectory);
    }
}
