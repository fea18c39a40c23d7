import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', '.test-build/**', 'coverage/**', '.tap/**', 'data/**', 'scratch/**', 'public/vendor/**'] })
]
