// Name checks: library names and model tags end up in file and directory names
// (and, with model_graph_format: code, in generated C++), so they must be safe there.

const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
const CPP_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const CPP_KEYWORDS = new Set(
  (
    'alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t ' +
    'char32_t class compl concept const consteval constexpr constinit const_cast continue co_await ' +
    'co_return co_yield decltype default delete do double dynamic_cast else enum explicit export ' +
    'extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq ' +
    'nullptr operator or or_eq private protected public register reinterpret_cast requires return ' +
    'short signed sizeof static static_assert static_cast struct switch template this thread_local ' +
    'throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while ' +
    'xor xor_eq'
  ).split(' '),
);

/** Returns why `name` is not safe as a file name, or undefined when it is. */
export function unsafeFileNameReason(name: string): string | undefined {
  if (name.includes('/') || name.includes('\\')) return 'must not contain path separators';
  if (name.includes('..')) return 'must not contain ".."';
  if (!SAFE_NAME.test(name)) {
    return 'may only contain letters, digits, "_", "-", "+" and ".", and must start with a letter, digit or "_"';
  }
  return undefined;
}

/** Returns why `name` cannot be used as a C++ identifier, or undefined when it can. */
export function notCppIdentifierReason(name: string): string | undefined {
  if (!CPP_IDENTIFIER.test(name))
    return 'must be a C++ identifier (letters, digits and "_", not starting with a digit)';
  if (CPP_KEYWORDS.has(name)) return 'must not be a C++ keyword';
  return undefined;
}
