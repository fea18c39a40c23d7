/**
 * Answer examples for the OpenAPI document: one for each answer a client has to handle on the way
 * from a topic to a report, every field filled in (`source`, `stream_url`, `meta.requestId`, the
 * nulls of a status), so that each one is a valid instance of its schema — a test checks that.
 * Request examples sit on the body schemas.
 */

interface Example { summary: string, value: unknown }

const REQUEST_ID = '8f14e45f-ceea-467a-9575-6f2b5b7c3d21'

const error = (code: string, message: string, extra: { details?: unknown, hint?: string } = {}) => ({
  success: false,
  error: { code, message, ...extra },
  meta: { requestId: REQUEST_ID }
})

const status = (fields: Record<string, unknown>) => ({
  success: true,
  data: {
    topic_id: 1,
    status: 'generating',
    progress_percent: 45,
    current_step: "'시장 분석' 작성 중 (2/5)",
    started_at: '2025-11-12T10:30:00Z',
    estimated_completion: '2025-11-12T10:45:30Z',
    artifact_id: null,
    completed_at: null,
    error_message: null,
    ...fields
  }
})

/** By operation ("METHOD /path" as in the document), then status code, then example name. */
export const ANSWER_EXAMPLES: Record<string, Record<string, Record<string, Example>>> = {
  'POST /api/topics/plan': {
    200: {
      plan: {
        summary: 'An outline from Claude',
        value: {
          success: true,
          data: {
            topic_id: 1,
            plan: '# 보고서 계획\n\n## 개요\n\n보고서의 전체 개요\n\n## 시장 분석\n\n시장 현황 분석\n',
            sections: [
              { title: '개요', description: '보고서의 전체 개요', order: 1 },
              { title: '시장 분석', description: '시장 현황 분석', order: 2 }
            ],
            outline: {
              title: '보고서 계획',
              sections: [{ title: '개요', body: '보고서의 전체 개요' }, { title: '시장 분석', body: '시장 현황 분석' }]
            },
            estimated_sections_count: 2,
            source: 'llm',
            plan_version: 1,
            refining: true
          }
        }
      }
    },
    400: {
      missingTopic: {
        summary: 'No topic',
        value: error('VALIDATION_ERROR', 'topic 필드가 없습니다. topic 필드를 넣어 다시 보내 주세요.', {
          details: [{ field: 'body', message: 'topic 필드가 없습니다. topic 필드를 넣어 다시 보내 주세요.' }]
        })
      }
    },
    429: {
      rateLimited: {
        summary: 'More than 10 plans in a minute',
        value: error('RATE_LIMITED', '요청이 너무 많습니다. 정해진 시간 동안 10번까지 요청할 수 있으니 42초 뒤에 다시 시도해 주세요.', {
          hint: 'Wait for the number of seconds in the Retry-After header'
        })
      }
    },
    503: {
      overloaded: {
        summary: 'Too many plans in progress to answer this one within 2 s',
        value: error('SERVICE_UNAVAILABLE', '지금은 계획 요청이 많아 제시간에 답할 수 없습니다. 잠시 후 다시 시도해 주세요.')
      }
    }
  },
  'POST /api/topics/generate': {
    202: {
      started: {
        summary: 'Generation started in the background',
        value: {
          success: true,
          data: {
            topic_id: 1,
            status: 'generating',
            message: '보고서 생성을 시작했습니다. 진행 상황은 status_check_url이나 stream_url에서 확인하세요.',
            status_check_url: '/api/topics/1/status',
            stream_url: '/api/topics/1/status/stream'
          }
        }
      }
    },
    409: {
      alreadyGenerating: {
        summary: 'The topic is already generating',
        value: error('CONFLICT', '이 주제의 보고서를 이미 생성하고 있습니다. 진행 상황을 확인하거나, 생성을 취소한 뒤 다시 시도해 주세요.')
      }
    },
    429: {
      tooManyRunning: {
        summary: 'The user already has GENERATIONS_RUNNING_PER_USER generations running (Retry-After: 30)',
        value: error('RATE_LIMITED', '이미 보고서 2건을 생성하고 있습니다. 한 사람이 동시에 생성할 수 있는 보고서는 2건이니, 진행 중인 보고서가 끝난 뒤 다시 시도해 주세요.', {
          hint: 'Wait for a running generation to finish (see Retry-After)'
        })
      }
    },
    503: {
      databaseDown: {
        summary: 'The database is down or does not answer (Retry-After: 5)',
        value: error('SERVICE_UNAVAILABLE', '데이터베이스에 연결할 수 없어 요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.')
      }
    },
    422: {
      idempotencyKeyReused: {
        summary: 'The Idempotency-Key was used with another body',
        value: error('IDEMPOTENCY_KEY_REUSED', '이 Idempotency-Key는 다른 요청 본문에 이미 쓰였습니다. 다른 요청에는 새 Idempotency-Key를 보내 주세요.', {
          hint: 'Use a new Idempotency-Key for a different request'
        })
      }
    }
  },
  'POST /api/topics/{id}/cancel': {
    200: {
      cancelled: {
        summary: 'Cancelled while it was being written',
        value: status({
          status: 'cancelled',
          progress_percent: 36,
          current_step: '사용자 요청으로 생성이 취소되었습니다',
          estimated_completion: null,
          completed_at: '2025-11-12T10:33:10Z'
        })
      }
    },
    409: {
      neverGenerated: {
        summary: 'The topic was planned but never generated',
        value: error('CONFLICT', '아직 생성을 시작하지 않은 보고서여서 취소할 것이 없습니다. 보고서 생성을 시작한 뒤에 취소해 주세요.')
      }
    }
  },
  'GET /api/topics/{id}/status': {
    200: {
      generating: { summary: 'Generating', value: status({}) },
      waiting: {
        summary: 'Waiting for a worker',
        value: status({ progress_percent: 0, current_step: '생성 대기 중: 앞에 2건이 있습니다 (대기 순서 3번째)', estimated_completion: null })
      },
      completed: {
        summary: 'Completed',
        value: status({
          status: 'completed',
          progress_percent: 100,
          current_step: '저장 중',
          estimated_completion: null,
          artifact_id: 123,
          completed_at: '2025-11-12T10:45:20Z'
        })
      },
      failed: {
        summary: 'Failed',
        value: status({
          status: 'failed',
          progress_percent: 30,
          current_step: "'시장 분석' 작성 중 (2/5)",
          estimated_completion: null,
          completed_at: '2025-11-12T10:36:10Z',
          error_message: 'Claude가 일시적으로 과부하 상태여서 보고서를 완성하지 못했습니다. 잠시 후 다시 시도해 주세요.'
        })
      }
    },
    404: {
      noStatus: {
        summary: 'The topic has never been generated',
        value: error('NOT_FOUND', '999번 보고서는 아직 생성을 시작하지 않아 진행 상황이 없습니다. 보고서 생성(POST /api/topics/generate)을 시작한 뒤에 확인해 주세요.')
      }
    }
  }
}

interface Document {
  paths?: Record<string, Record<string, unknown> | undefined>
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { examples?: Record<string, Example> }> }>
}

/** Puts the examples into the document's JSON answers; an example whose place is gone is an error. */
export function addExamples<D extends Document> (document: D): D {
  for (const [key, byStatus] of Object.entries(ANSWER_EXAMPLES)) {
    const [method, path] = key.split(' ') as [string, string]
    const operation = document.paths?.[path]?.[method.toLowerCase()] as Operation | undefined
    for (const [code, examples] of Object.entries(byStatus)) {
      const content = operation?.responses?.[code]?.content
      const media = content?.['application/json']
      if (!content || !media) throw new Error(`OpenAPI example for ${key} ${code}: the document has no such JSON answer`)
      // A new object: the generator may share one media object between answers.
      content['application/json'] = { ...media, examples: { ...media.examples, ...examples } }
    }
  }
  return document
}
