namespace Cnnrt.Operators;

/// <summary>
/// Marks operators whose output 0 is input 0's data with another shape (Reshape, Flatten, Squeeze, Unsqueeze,
/// Identity, inference Dropout). The planner may give both the same memory; their steps then copy nothing.
/// </summary>
public interface IViewOperator
{
}
