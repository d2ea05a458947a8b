// Routes of the workspace. The server answers unknown paths with
// index.html (internal/http/assets.go), so these are real URLs.
import { createRouter, createWebHistory } from 'vue-router'
import { restore, session, can } from './session'
import LoginPage from './pages/LoginPage.vue'
import WorkPage from './pages/WorkPage.vue'

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: 'Sign in' } },
    { path: '/setup', name: 'setup', component: () => import('./pages/SetupPage.vue'), meta: { public: true, title: 'Set up' } },
    { path: '/', redirect: '/work/mine' },
    { path: '/work/:view(mine|all|unassigned|bots|history)/:id?', name: 'work', component: WorkPage, meta: { title: 'Conversations' } },
    { path: '/search', name: 'search', component: () => import('./pages/SearchPage.vue'), meta: { title: 'Search' } },
    { path: '/people', name: 'people', component: () => import('./pages/PeoplePage.vue'), meta: { title: 'People' } },
    { path: '/people/:id', name: 'person', component: () => import('./pages/CustomerProfilePage.vue'), meta: { title: 'Profile' } },
    { path: '/admin/agents', name: 'agents', component: () => import('./pages/AgentsPage.vue'), meta: { title: 'Agents', role: 'supervisor' } },
    { path: '/admin/queues', name: 'queues', component: () => import('./pages/QueuesPage.vue'), meta: { title: 'Queues', role: 'supervisor' } },
    { path: '/admin/routing', name: 'routing', component: () => import('./pages/RoutingRulesPage.vue'), meta: { title: 'Routing rules', role: 'supervisor' } },
    { path: '/admin/statuses', name: 'statuses', component: () => import('./pages/StatusesPage.vue'), meta: { title: 'Statuses', role: 'supervisor' } },
    { path: '/admin/wallboard', name: 'wallboard', component: () => import('./pages/WallboardPage.vue'), meta: { title: 'Wallboard', role: 'supervisor' } },
    { path: '/admin/utilization', name: 'utilization', component: () => import('./pages/UtilizationPage.vue'), meta: { title: 'Utilization', role: 'supervisor' } },
    { path: '/admin/reports', name: 'reports', component: () => import('./pages/ReportsPage.vue'), meta: { title: 'Reports', role: 'supervisor' } },
    { path: '/admin/templates', name: 'templates', component: () => import('./pages/TemplatesPage.vue'), meta: { title: 'Templates', role: 'supervisor' } },
    { path: '/admin/macros', name: 'macros', component: () => import('./pages/MacrosPage.vue'), meta: { title: 'Macros', role: 'supervisor' } },
    { path: '/admin/tags', name: 'tags', component: () => import('./pages/TagsPage.vue'), meta: { title: 'Tags', role: 'supervisor' } },
    { path: '/admin/forms', name: 'forms', component: () => import('./pages/FormsPage.vue'), meta: { title: 'Forms', role: 'supervisor' } },
    { path: '/admin/channels', name: 'channels', component: () => import('./pages/ChannelsPage.vue'), meta: { title: 'Channels', role: 'supervisor' } },
    { path: '/account', name: 'account', component: () => import('./pages/AccountPage.vue'), meta: { title: 'My account' } },
    { path: '/admin/cards', name: 'cards', component: () => import('./pages/CardsPage.vue'), meta: { title: 'Context cards', role: 'admin' } },
    { path: '/admin/security', name: 'security', component: () => import('./pages/SecurityPage.vue'), meta: { title: 'Security', role: 'admin' } },
    { path: '/admin/getting-started', name: 'getting-started', component: () => import('./pages/GettingStartedPage.vue'), meta: { title: 'Getting started', role: 'admin' } },
    { path: '/admin/tokens', name: 'tokens', component: () => import('./pages/TokensPage.vue'), meta: { title: 'Integration tokens', role: 'admin' } },
    { path: '/:rest(.*)*', redirect: '/work/mine' },
  ],
})

router.beforeEach(async (to) => {
  if (!session.checked) await restore()
  if (to.meta.public) return session.agent && (to.name === 'login' || to.name === 'setup') ? '/work/mine' : true
  if (!session.agent) return { name: 'login', query: to.fullPath !== '/work/mine' ? { next: to.fullPath } : {} }
  // A role that requires two-factor sign-in, not yet set up: only the
  // account page, where it is set up.
  if (session.enrollRequired && to.name !== 'account') return '/account'
  const role = to.meta.role as 'supervisor' | 'admin' | undefined
  if (role && !can(role)) return '/work/mine'
  return true
})

router.afterEach((to) => {
  document.title = `${(to.meta.title as string) || 'Workspace'} · Switchboard`
})
