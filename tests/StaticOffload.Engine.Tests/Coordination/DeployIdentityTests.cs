using StaticOffload.Coordination;

namespace StaticOffload.Tests.Coordination;

public class DeployIdentityTests
{
    private static DeployIdentity From(Dictionary<string, string> environment, string? sourceRevisionId = null) =>
        DeployIdentity.FromEnvironment(name => environment.GetValueOrDefault(name), sourceRevisionId, "agent-7", "runner");

    [Fact]
    public void A_GitHub_Actions_run_is_named_with_a_link_to_the_run_and_its_commit()
    {
        var identity = From(new()
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_RUN_ID"] = "4242",
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_REPOSITORY"] = "contoso/site",
            ["GITHUB_SHA"] = "0123456789abcdef",
            ["GITHUB_TOKEN"] = "ghs_secret",
        });

        Assert.Equal(new DeployIdentity("agent-7", "runner", "GitHub Actions", "4242", "https://github.com/contoso/site/actions/runs/4242", "0123456789abcdef"), identity);
        Assert.Equal("'runner@agent-7' (GitHub Actions run 4242: https://github.com/contoso/site/actions/runs/4242)", identity.Describe());
        Assert.DoesNotContain("ghs_secret", identity.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GITLAB_CI", "CI_JOB_ID", "CI_JOB_URL", "CI_COMMIT_SHA", "GitLab CI")]
    [InlineData("JENKINS_URL", "BUILD_ID", "BUILD_URL", "GIT_COMMIT", "Jenkins")]
    [InlineData("CIRCLECI", "CIRCLE_BUILD_NUM", "CIRCLE_BUILD_URL", "CIRCLE_SHA1", "CircleCI")]
    [InlineData("BUILDKITE", "BUILDKITE_BUILD_ID", "BUILDKITE_BUILD_URL", "BUILDKITE_COMMIT", "Buildkite")]
    public void Other_CI_systems_give_their_run_id_link_and_commit(string marker, string idVariable, string urlVariable, string commitVariable, string ci)
    {
        var identity = From(new()
        {
            [marker] = "true",
            [idVariable] = "77",
            [urlVariable] = "https://ci.example.com/job/77",
            [commitVariable] = "abc",
        });

        Assert.Equal(new DeployIdentity("agent-7", "runner", ci, "77", "https://ci.example.com/job/77", "abc"), identity);
    }

    [Fact]
    public void Azure_Pipelines_links_to_the_build_results_page()
    {
        var identity = From(new()
        {
            ["TF_BUILD"] = "True",
            ["BUILD_BUILDID"] = "981",
            ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/contoso/",
            ["SYSTEM_TEAMPROJECT"] = "Web Site",
            ["BUILD_BUILDURI"] = "vstfs:///Build/Build/981",
            ["BUILD_SOURCEVERSION"] = "feed",
        });

        Assert.Equal("https://dev.azure.com/contoso/Web%20Site/_build/results?buildId=981", identity.RunUrl);
        Assert.Equal("Azure Pipelines", identity.Ci);
        Assert.Equal("feed", identity.Revision);
    }

    [Fact]
    public void SourceRevisionId_wins_over_the_CI_commit()
    {
        var identity = From(new() { ["GITHUB_ACTIONS"] = "true", ["GITHUB_SHA"] = "ci-sha" }, sourceRevisionId: "msbuild-sha");

        Assert.Equal("msbuild-sha", identity.Revision);
    }

    [Fact]
    public void A_developer_machine_is_named_by_user_and_host_only()
    {
        var identity = From([]);

        Assert.Equal(new DeployIdentity("agent-7", "runner"), identity);
        Assert.Equal("'runner@agent-7'", identity.Describe());
    }

    [Theory]
    [InlineData("https://user:token@ci.example.com/job/1?token=secret#x", "https://ci.example.com/job/1")]
    [InlineData("javascript:alert(1)", null)]
    [InlineData("ftp://ci.example.com/job", null)]
    [InlineData("not a url", null)]
    [InlineData("https://dev.azure.com/o/p/_build/results?buildId=12", "https://dev.azure.com/o/p/_build/results?buildId=12")]
    [InlineData("https://dev.azure.com/o/p/_build/results?buildId=12&sig=abc", "https://dev.azure.com/o/p/_build/results")]
    public void Links_keep_no_user_info_query_or_fragment(string url, string? expected)
    {
        Assert.Equal(expected, DeployIdentity.SafeUrl(url));
    }

    [Fact]
    public void Values_from_the_environment_are_printable_and_bounded()
    {
        var identity = From(new() { ["GITLAB_CI"] = "true", ["CI_JOB_ID"] = "1\u001b[31m2", ["CI_COMMIT_SHA"] = new string('a', 500) });

        Assert.Equal("1[31m2", identity.RunId);
        Assert.Equal(200, identity.Revision!.Length);
    }
}
