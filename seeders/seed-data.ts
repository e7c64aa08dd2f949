/**
 * Static demo data for `npm run seed`: people, groups, their folders and resources, and
 * chat lines. Everything random is drawn from a seeded PRNG in `seed-random.ts`, so the
 * same run always produces the same rows.
 */
import type { GroupType, ResourceType, Visibility } from '../src/db/models';

export const FIRST_NAMES = [
  'Ana',
  'Ben',
  'Chloé',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Gabriel',
  'Hana',
  'Ibrahim',
  'Julia',
  'Kenji',
  'Lucía',
  'Mateo',
  'Nadia',
  'Oliver',
  'Priya',
  'Quentin',
  'Rosa',
  'Samir',
  'Tara',
  'Umar',
  'Valentina',
  'Wei',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Aisha',
  'Bruno',
  'Camille',
  'Diego',
  'Elif',
  'Finn',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Leo',
  'Maya',
  'Noah',
];

export const LAST_NAMES = [
  'Silva',
  'Okafor',
  'Dubois',
  'Petrov',
  'Nwosu',
  'Haddad',
  'Moreau',
  'Sato',
  'Rahman',
  'Schmidt',
  'Tanaka',
  'García',
  'Rossi',
  'Kowalski',
  'Brown',
  'Iyer',
  'Laurent',
  'Martínez',
  'Aziz',
  'Murphy',
  'Farouk',
  'Bianchi',
  'Zhang',
  'López',
  'Demir',
  'Walker',
  'Bello',
  'Costa',
  'Lefèvre',
  'Ramírez',
  'Yılmaz',
  'Larsen',
  'Kim',
  'Bernard',
  'Ferreira',
  'Weber',
  'Nakamura',
  'Fischer',
  'Cohen',
  'Evans',
];

/** A few zones across the day, so local-day streaks differ from UTC days. */
export const TIMEZONES = [
  'UTC',
  'Europe/Paris',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'America/Sao_Paulo',
] as const;

/** Approximate UTC offsets (hours, ignoring DST) used only to put sessions in waking hours. */
export const TZ_OFFSET_HOURS: Record<(typeof TIMEZONES)[number], number> = {
  UTC: 0,
  'Europe/Paris': 1,
  'Europe/London': 0,
  'America/New_York': -5,
  'America/Los_Angeles': -8,
  'Asia/Tokyo': 9,
  'Asia/Kolkata': 5.5,
  'America/Sao_Paulo': -3,
};

export const USER_COUNT = 40;
export const seedUserId = (n: number): string => `user_seed_${String(n).padStart(3, '0')}`;

export interface SeedResource {
  title: string;
  resourceType: ResourceType;
  url?: string;
  description?: string;
  fileSize?: number;
  children?: SeedResource[];
}

export interface SeedGroup {
  /** Stable key: the invite code and every derived id are computed from it. */
  key: string;
  groupName: string;
  description: string;
  groupType: GroupType;
  visibility: Visibility;
  maxMembers: number | null;
  /** 1-based seed user numbers; the first leader is the creator. */
  leaders: number[];
  admins: number[];
  members: number[];
  resources: SeedResource[];
  chat: string[];
}

const link = (title: string, url: string, description?: string): SeedResource => ({ title, resourceType: 'link', url, description });
const video = (title: string, url: string): SeedResource => ({ title, resourceType: 'video', url });
const file = (title: string, url: string, fileSize: number): SeedResource => ({ title, resourceType: 'file', url, fileSize });
const folder = (title: string, children: SeedResource[], description?: string): SeedResource => ({
  title,
  resourceType: 'folder',
  description,
  children,
});

export const GROUPS: SeedGroup[] = [
  {
    key: 'calculus-2',
    groupName: 'Calculus II Study Hall',
    description: 'Integration techniques, series and polar coordinates. Problem sets every Monday, quiet co-working every evening.',
    groupType: 'leader_controlled',
    visibility: 'public',
    maxMembers: 30,
    leaders: [1],
    admins: [2],
    members: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    resources: [
      folder('Week 1 - Integration by parts', [
        video('Integration by parts, explained', 'https://www.youtube.com/watch?v=2I-_SV8cwsw'),
        file('Problem set 1 (PDF)', 'https://files.example.edu/calc2/ps1.pdf', 248_112),
        folder('Practice problems', [
          file('Extra practice: LIATE', 'https://files.example.edu/calc2/liate-practice.pdf', 131_072),
          link('Paul’s Online Notes: Integration by Parts', 'https://tutorial.math.lamar.edu/Classes/CalcII/IntegrationByParts.aspx'),
        ]),
      ]),
      folder('Week 2 - Series', [
        video('Convergence tests overview', 'https://www.youtube.com/watch?v=wnjMFLh7VEw'),
        file('Problem set 2 (PDF)', 'https://files.example.edu/calc2/ps2.pdf', 301_456),
      ]),
      link('Course syllabus', 'https://www.example.edu/math/calc2/syllabus', 'Grading, office hours and exam dates'),
    ],
    chat: [
      'Who is doing problem set 1 tonight?',
      'Me! Starting the timer now.',
      'Question 4 is brutal, LIATE helps though.',
      'Remember the quiz on Thursday covers only by-parts and substitution.',
      'Anyone understand the ratio test vs root test choice?',
      'Root test when everything is raised to the n-th power, ratio when you see factorials.',
      'Thanks, that clicked.',
      'Uploaded the practice problems into Week 1.',
    ],
  },
  {
    key: 'orgo-crew',
    groupName: 'Organic Chemistry Crew',
    description: 'Mechanisms, flashcards and late-night reaction drills. Everyone can add resources.',
    groupType: 'community',
    visibility: 'public',
    maxMembers: null,
    leaders: [15],
    admins: [16, 17],
    members: [3, 18, 19, 20, 21, 22, 23, 24],
    resources: [
      folder('Reaction mechanisms', [
        link('Master Organic Chemistry: SN1 vs SN2', 'https://www.masterorganicchemistry.com/2012/08/08/comparing-the-sn1-and-sn2-reactions/'),
        { title: 'Arrow-pushing cheat sheet', resourceType: 'image', url: 'https://files.example.edu/orgo/arrows.png', fileSize: 512_000 },
        folder('Elimination', [video('E1 and E2 in 15 minutes', 'https://www.youtube.com/watch?v=ZyT6SeWq5Ts')]),
      ]),
      link('Shared Anki deck', 'https://ankiweb.net/shared/info/orgo-demo', 'Spaced-repetition cards for reagents'),
    ],
    chat: [
      'Flashcards updated with the Grignard reagents.',
      'Can someone explain why tertiary halides prefer SN1?',
      'Carbocation stability: tertiary is the most stable, so the slow step is easier.',
      'Study sprint at 9pm, join the timer!',
      'Just finished 90 minutes on eliminations.',
    ],
  },
  {
    key: 'cs161-algorithms',
    groupName: 'CS 161 Algorithms',
    description: 'Private group for our section: divide and conquer, graphs, dynamic programming.',
    groupType: 'leader_controlled',
    visibility: 'private',
    maxMembers: 20,
    leaders: [25, 26],
    admins: [],
    members: [1, 27, 28, 29, 30, 31, 32],
    resources: [
      folder('Lecture notes', [
        file('Lecture 5 - Dijkstra', 'https://files.example.edu/cs161/lec5.pdf', 1_048_576),
        file('Lecture 6 - Dynamic programming', 'https://files.example.edu/cs161/lec6.pdf', 987_654),
      ]),
      link('Visualgo', 'https://visualgo.net/en', 'Animated data structures and algorithms'),
    ],
    chat: [
      'HW3 is out, the DP question looks long.',
      'Let’s whiteboard the knapsack recurrence tomorrow.',
      'Dijkstra proof finally makes sense after lecture 5.',
      'Pset due Friday 5pm, no late days left for me...',
      'Pushed my notes into the Lecture notes folder.',
    ],
  },
  {
    key: 'mcat-prep',
    groupName: 'MCAT Prep 2025',
    description: 'Small private cohort, 3 full-length tests a month and daily CARS passages.',
    groupType: 'community',
    visibility: 'private',
    maxMembers: 12,
    leaders: [33],
    admins: [34],
    members: [35, 36, 37, 16],
    resources: [
      folder('Full-length tests', [
        link('AAMC practice exam 1', 'https://students-residents.aamc.org/prepare-mcat-exam/prepare-mcat-exam'),
        folder('Review notes', [file('FL1 review - bio/biochem', 'https://files.example.edu/mcat/fl1-review.pdf', 420_000)]),
      ]),
      link('Daily CARS passage', 'https://www.example.org/cars-daily'),
    ],
    chat: [
      'FL2 this Saturday, 8am start like the real thing.',
      'My CARS score is finally going up!',
      'Biochem pathways review tonight?',
      'Sharing my FL1 review notes in the folder.',
    ],
  },
  {
    key: 'spanish-b2',
    groupName: 'Spanish B2 Conversation',
    description: 'Practicamos conversación y gramática para el examen DELE B2. Todos pueden compartir recursos.',
    groupType: 'community',
    visibility: 'public',
    maxMembers: 25,
    leaders: [12],
    admins: [],
    members: [5, 9, 38, 39, 40, 21],
    resources: [
      folder('Gramática', [
        link('Subjuntivo: guía', 'https://www.spanishdict.com/guide/spanish-subjunctive'),
        video('Podcast: Españolistos', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ'),
      ]),
      link('DELE B2 exam format', 'https://examenes.cervantes.es/es/dele/examenes/b2'),
    ],
    chat: ['¡Hola a todos! ¿Quién practica hoy?', 'Yo, a las siete.', 'El subjuntivo me está matando.', '¡Ánimo! Poco a poco.'],
  },
  {
    key: 'thesis-writing',
    groupName: 'Thesis Writing Accountability',
    description: 'Daily writing sessions for grad students finishing their thesis. Show up, write, report.',
    groupType: 'leader_controlled',
    visibility: 'private',
    maxMembers: 8,
    leaders: [7],
    admins: [8],
    members: [28, 36, 10],
    resources: [
      folder('Templates', [file('LaTeX thesis template', 'https://files.example.edu/thesis/template.zip', 2_621_440)]),
      link('Pomodoro technique', 'https://en.wikipedia.org/wiki/Pomodoro_Technique'),
    ],
    chat: [
      '500 words before lunch, who is in?',
      'Done with the related-work section!',
      'Chapter 3 draft sent to my advisor.',
      'Two pomodoros in, going for a third.',
    ],
  },
];

/** Pending invitations: [group key, invited seed user, inviter seed user, message]. */
export const INVITATIONS: Array<[string, number, number, string]> = [
  ['cs161-algorithms', 2, 25, 'You asked about the DP study group - come join us!'],
  ['mcat-prep', 20, 33, 'We have one seat left for the summer cohort.'],
  ['thesis-writing', 29, 7, 'Writing sessions every weekday at 9am.'],
  ['cs161-algorithms', 13, 26, 'We need one more person for the pset team.'],
];

/** Answered invitations kept as history: [group key, invited, inviter, status]. */
export const ANSWERED_INVITATIONS: Array<[string, number, number, 'accepted' | 'declined']> = [
  ['mcat-prep', 37, 33, 'accepted'],
  ['thesis-writing', 14, 7, 'declined'],
];
